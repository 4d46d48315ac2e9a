package server

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestAnalysisBrowser drills, as the city's assessment office, from the
// weakest indicator of the weak-link analysis to its units and from the
// most often weak unit to its values, their peers' medians and their
// providers; every chart on the way is drawn.
func TestAnalysisBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		var office demo.Login
		for _, l := range sum.Logins {
			if l.Login == "kaoheban" {
				office = l
			}
		}
		ctx := browser(t)
		var ce consoleErrors
		ce.listen(ctx)
		var indicator, unit, drill, values string
		var charts, drawn int
		count := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			n, err := chromedp.Evaluate[int](`document.querySelectorAll(".chart").length`)(ctx, tg)
			if err != nil {
				return err
			}
			m, err := chromedp.Evaluate[int](`document.querySelectorAll('.chart[data-drawn="true"]').length`)(ctx, tg)
			charts, drawn = charts+n, drawn+m
			return err
		})
		err = chromedp.Do(ctx,
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, office.Login),
			chromedp.SendKeys(`input[name="password"]`, office.Password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`.sidenav a[href="/analysis"]`),
			chromedp.Click(`.sidenav a[href="/analysis"]`),
			chromedp.WaitVisible(`#analysis-box[data-drawn="true"] canvas`),
			chromedp.WaitVisible(`#analysis-heat[data-drawn="true"] canvas`),
			count,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				indicator, err = chromedp.Text(`table.analysis tbody tr:first-child td:first-child a`)(ctx, tg)
				return err
			}),
			chromedp.Click(`table.analysis tbody tr:first-child td:first-child a`),
			chromedp.WaitVisible(`table.analysis-units`),
			chromedp.WaitVisible(`#indicator-trend[data-drawn="true"] canvas`),
			count,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				if drill, err = chromedp.Text(`main`)(ctx, tg); err != nil {
					return err
				}
				unit, err = chromedp.Text(`table.analysis-units tbody tr:first-child td:first-child a`)(ctx, tg)
				return err
			}),
			chromedp.Click(`table.analysis-units tbody tr:first-child td:first-child a`),
			chromedp.WaitVisible(`table.analysis-unit`),
			chromedp.WaitVisible(`#unit-peers[data-drawn="true"] canvas`),
			count,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				values, err = chromedp.Text(`main`)(ctx, tg)
				return err
			}),
		)
		if err != nil {
			t.Fatalf("drill down: %v", err)
		}
		if indicator == "" || !strings.Contains(drill, indicator) || !strings.Contains(drill, "数据提供部门") {
			t.Errorf("the drill-down of %q shows %q", indicator, drill)
		}
		if unit == "" || !strings.Contains(values, unit) || !strings.Contains(values, indicator) ||
			!strings.Contains(values, "同类中位数") || !strings.Contains(values, "青州市") {
			t.Errorf("the values of %q show %q", unit, values)
		}
		if charts < 4 || drawn != charts {
			t.Errorf("%d of %d charts drawn", drawn, charts)
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
