package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
)

// TestCycleFormByCategoryName makes a cycle in the browser as the office
// does: it ticks the category 城区 by its name — the form shows no category
// code and asks for none, nor for an evaluation's id — and the new cycle
// assesses the team of the unit in that category.
func TestCycleFormByCategoryName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		addCycles(t, f)
		ctx, sys := context.Background(), auth.SystemActor("test")
		orgs := org.NewService(f.db, auth.Policy{})
		for _, c := range []org.Category{{Code: "urban", Name: "城区"}, {Code: "agri", Name: "农业主产区"}} {
			c.AppliesTo = org.KindRegion
			cat, err := orgs.CreateCategory(ctx, sys, c)
			if err != nil {
				t.Fatal(err)
			}
			if c.Code == "urban" {
				if _, err := orgs.UpdateUnit(ctx, sys, f.units["330102"].ID, org.UnitUpdate{CategoryID: &cat.ID}); err != nil {
					t.Fatal(err)
				}
			}
		}
		var version int64
		if err := f.db.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'jia-cadre'`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		// The form offers the versions in force.
		if _, err := scheme.NewService(f.db, auth.Policy{}).Activate(ctx, sys, version); err != nil {
			t.Fatal(err)
		}
		b := browser(t)
		var ce consoleErrors
		ce.listen(b)
		var form, textInputs, dashboard string
		err := chromedp.Do(b,
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, "office"),
			chromedp.SendKeys(`input[name="password"]`, password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`.sidenav`),
			chromedp.Navigate(f.ts.URL+"/cycles"),
			chromedp.WaitVisible(`form[action="/cycles"]`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
				if form, err = chromedp.Text(`form[action="/cycles"]`)(ctx, tg); err != nil {
					return err
				}
				textInputs, err = chromedp.Evaluate[string](`[...document.querySelectorAll('form[action="/cycles"] input[type=text]')].map(i => i.name).join(' ')`)(ctx, tg)
				return err
			}),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				png, err := chromedp.FullScreenshot(100)(ctx, tg)
				if err == nil {
					os.WriteFile(filepath.Join(artifacts(t), "cycle-form-"+string(d.Engine)+".png"), png, 0o644)
				}
				return nil
			}),
			chromedp.SendKeys(`input[name="code"]`, "2025-urban"),
			chromedp.SendKeys(`input[name="name"]`, "2025年度城区干部考核"),
			chromedp.SendKeys(`input[name="period"]`, "2025"),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				ok, err := chromedp.Evaluate[bool](`(() => {
					document.querySelector('select[name=version]').value = '`+fmt.Sprint(version)+`';
					const box = [...document.querySelectorAll('input[name=categories]')].find(i => i.closest('label').textContent.trim() === '城区');
					if (!box) return false;
					box.click();
					return box.checked;
				})()`)(ctx, tg)
				if err == nil && !ok {
					err = fmt.Errorf("no checkbox labelled 城区")
				}
				return err
			}),
			chromedp.Click(`form[action="/cycles"] button[type="submit"]`),
			chromedp.WaitVisible(`.stages`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
				dashboard, err = chromedp.Text(`main`)(ctx, tg)
				return err
			}),
		)
		if err != nil {
			t.Fatalf("make the cycle: %v", err)
		}
		for _, want := range []string{"城区", "农业主产区"} {
			if !strings.Contains(form, want) {
				t.Errorf("the form does not offer the category %s:\n%s", want, form)
			}
		}
		for _, code := range []string{"urban", "agri"} {
			if strings.Contains(form, code) {
				t.Errorf("the form shows the category code %s:\n%s", code, form)
			}
		}
		if strings.Contains(" "+textInputs+" ", " categories ") || strings.Contains(" "+textInputs+" ", " evaluation ") {
			t.Errorf("the form asks to type categories or an evaluation: text inputs %q", textInputs)
		}
		if !strings.Contains(dashboard, "2025年度城区干部考核") || !strings.Contains(dashboard, "草稿") {
			t.Errorf("the new cycle's dashboard lacks its name or stage:\n%.500s", dashboard)
		}
		var n int
		if err := f.db.SQL.QueryRow(`SELECT entities FROM cycles WHERE code = '2025-urban'`).Scan(&n); err != nil || n != 3 {
			t.Errorf("the new cycle assesses %d cadres (%v), want the 3 of 甲县's team", n, err)
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
