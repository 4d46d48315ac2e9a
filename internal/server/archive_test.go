package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/sources"
)

// TestPersonArchive opens 张三's page as the readers of its results: it
// lists every published cadre cycle with total, grade, rank and rank
// interval, linked to the profile, and a radar against the group; the
// cadre itself reaches it from the navigation. Who may not read the
// results sees none.
func TestPersonArchive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		grouped := groupedCycle(t, f, co)
		svc := cycle.NewService(f.db, auth.Policy{}, sources.Cycle())
		page := fmt.Sprintf("/people/%d", f.inPerson.ID)
		for _, role := range []auth.Role{auth.RoleCadre, auth.RoleOffice, auth.RoleViewer, auth.RoleTeam} {
			c := f.signIn(t, string(role))
			res, body := f.get(t, c, page)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %s: got %d", role, page, res.StatusCode)
			}
			for _, id := range []int64{co.in, grouped} {
				p, err := svc.Profile(context.Background(), auth.SystemActor("test"), id, co.me)
				if err != nil {
					t.Fatal(err)
				}
				r := p.Result
				for _, want := range []string{
					fmt.Sprintf(`<a href="/cycles/%d/results/%s">%s</a>`, id, co.me, p.Cycle.Name),
					fmt.Sprintf(`<td class="num">%.2f</td>`, r.Total),
					fmt.Sprintf(`<td class="num">%d / %d</td>`, r.Rank, r.GroupSize),
					fmt.Sprintf(`<span class="interval-text">%d–%d</span>`, r.RankP05, r.RankP95),
					fmt.Sprintf(`id="person-radar-%d-data"`, id),
					"同类平均", "经济发展",
				} {
					if !strings.Contains(body, want) {
						t.Errorf("%s: the cadre's page lacks %q", role, want)
					}
				}
			}
		}
		_, body := f.get(t, f.signIn(t, "cadre"), "/")
		if !strings.Contains(body, `href="`+page+`"`) {
			t.Error("the cadre's navigation does not link its own record")
		}
		// The unfit-for-post check is the office's: the cadre's own page
		// says so under its heading instead of leaving it empty.
		_, body = f.get(t, f.signIn(t, "cadre"), page)
		if strings.Contains(body, "outcome.unfit.title") || !strings.Contains(body, "该项核查由组织部门进行") {
			t.Error("the cadre's own page leaves the unfit-for-post check empty")
		}
		// The supervisor reads the person, not its results.
		_, body = f.get(t, f.signIn(t, "supervisor"), page)
		if strings.Contains(body, "radar-") || !strings.Contains(body, "暂无已公布的本人考核结果") {
			t.Error("the supervisor sees the cadre's results")
		}
	})
}

// TestPersonArchiveBrowser opens the cadre's own record in Chromium and
// checks that a radar is drawn for each published cycle.
func TestPersonArchiveBrowser(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	co := addCycles(t, f)
	groupedCycle(t, f, co)
	ctx := browser(t)
	var ce consoleErrors
	ce.listen(ctx)
	var drawn int
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name="login"]`),
		chromedp.SendKeys(`input[name="login"]`, "cadre"),
		chromedp.SendKeys(`input[name="password"]`, password),
		chromedp.Click(`.signin-box button[type="submit"]`),
		chromedp.WaitVisible(`.sidenav`),
		chromedp.Click(fmt.Sprintf(`.sidenav a[href="/people/%d"]`, f.inPerson.ID)),
		chromedp.WaitVisible(`#results .chart[data-drawn="true"] canvas`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			drawn, err = chromedp.Evaluate[int](`document.querySelectorAll('#results .chart[data-drawn="true"] canvas').length`)(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("open the cadre's record: %v", err)
	}
	if png, err := screenshot(ctx); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "person-archive.png"), png, 0o644)
	}
	if drawn != 2 {
		t.Errorf("got %d radars drawn, want one per published cycle (2)", drawn)
	}
	if errs := ce.take(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// screenshot takes a full-page screenshot.
func screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		png, err = chromedp.FullScreenshot(100)(ctx, tg)
		return err
	}))
	return png, err
}
