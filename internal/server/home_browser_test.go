package server

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestCadreHomeBrowser opens the assessed cadre's home in Chromium: each
// radar of her latest results is drawn, not left an empty box.
func TestCadreHomeBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		d.Clock = func() time.Time { return time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) }
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		var cadre demo.Login
		for _, l := range sum.Logins {
			if l.Login == "ganbu" {
				cadre = l
			}
		}
		ctx := browser(t)
		var ce consoleErrors
		ce.listen(ctx)
		var charts, drawn int
		err = chromedp.Do(ctx,
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, cadre.Login),
			chromedp.SendKeys(`input[name="password"]`, cadre.Password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`#home-cadre`),
			chromedp.WaitVisible(`#home-cadre .chart[data-drawn="true"] canvas`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				if charts, err = chromedp.Evaluate[int](`document.querySelectorAll("#home-cadre .chart").length`)(ctx, tg); err != nil {
					return err
				}
				drawn, err = chromedp.Evaluate[int](`document.querySelectorAll('#home-cadre .chart[data-drawn="true"] canvas').length`)(ctx, tg)
				return err
			}),
		)
		if err != nil {
			t.Fatalf("the cadre's home: %v", err)
		}
		if charts < 2 || drawn != charts {
			t.Errorf("%d of the home's %d radars drawn, want all of at least 2", drawn, charts)
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
