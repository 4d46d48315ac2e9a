package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/sources"
)

// TestFindingExemptionBrowser walks a finding through the pages in
// Chromium: the 纪委监委 records it about the demo's assessed cadre
// (秦梅慧, 清河区区长) and notifies it; a cadre cycle of 2025 scored then
// deducts its rule's points (作风建设·一般: 0.5); the office takes the
// exemption through every step of its procedure with the whole checklist;
// the cycle re-run rises by exactly those points, and the explanation and
// the cadre's integrity archive say it was exempted.
func TestFindingExemptionBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx0 := context.Background()
		sum, err := demo.Build(ctx0, d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		logins := map[string]demo.Login{}
		for _, l := range sum.Logins {
			logins[l.Login] = l
		}
		cadre := logins["ganbu"]
		var county, version, evaluation int64
		for q, dst := range map[string]*int64{
			`SELECT id FROM units WHERE code = '910102'`: &county,
			`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'qingzhou-cadre' AND v.status = 'active'`: &version,
			`SELECT id FROM evaluations WHERE title = '2025年度清河区领导班子和领导干部民主测评'`:                                                               &evaluation,
		} {
			if err := d.SQL.QueryRow(q).Scan(dst); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// A 2025 cycle of the cadre, scored by the office, not yet published.
		sys := auth.SystemActor("test")
		cs := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		var city int64
		if err := d.SQL.QueryRow(`SELECT id FROM units WHERE code = '910100'`).Scan(&city); err != nil {
			t.Fatal(err)
		}
		c, err := cs.Create(ctx0, sys, cycle.Cycle{Code: "exempt-2025", Name: "清河区区长2025年度考核（复核）", Kind: cycle.Annual,
			Subject: cycle.SubjectPerson, OwnerUnitID: city, SchemeVersionID: version, Period: "2025", EvaluationIDs: []int64{evaluation}},
			cycle.Selection{PersonIDs: []int64{cadre.PersonID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
			if _, err := cs.Move(ctx0, sys, c.ID, to, ""); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		office := f.signInWith(t, "kaoheban", logins["kaoheban"].Password)
		entity := db.FormatID(cadre.PersonID)
		// run scores the cycle as the office does, from its page, and returns
		// the cadre's total and the explanation.
		run := func() (float64, string) {
			t.Helper()
			if res := f.post(t, office, fmt.Sprintf("/cycles/%d/run", c.ID), url.Values{}); res.StatusCode != http.StatusSeeOther {
				_, err := cs.Run(ctx0, sys, c.ID)
				t.Fatalf("run: got %d (%v)", res.StatusCode, err)
			}
			p, err := cs.Profile(ctx0, sys, c.ID, entity)
			if err != nil {
				t.Fatal(err)
			}
			_, page := f.get(t, office, fmt.Sprintf("/cycles/%d/results/%s", c.ID, entity))
			return p.Result.Total, page
		}

		ctx := browser(t)
		var ce consoleErrors
		ce.listen(ctx)
		set := func(sel, value string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); e.value = `+"`"+value+"`"+`; return true })()`)(ctx, tg)
				return err
			})
		}
		step := func(name string, acts ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(c, acts...); err != nil {
				var body string
				chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					body, _ = chromedp.Text("body")(ctx, tg)
					return nil
				}))
				t.Fatalf("%s: %v\n%.1500s", name, err, body)
			}
		}
		signIn := func(login string, out bool) {
			var acts []chromedp.Action[chromedp.Void]
			if out {
				acts = append(acts, chromedp.Click(`form[action="/signout"] button`), chromedp.WaitVisible(`input[name="login"]`))
			}
			step("sign in as "+login, append(acts,
				chromedp.Navigate(f.ts.URL+"/signin"),
				chromedp.WaitVisible(`input[name="login"]`),
				chromedp.SendKeys(`input[name="login"]`, login),
				chromedp.SendKeys(`input[name="password"]`, logins[login].Password),
				chromedp.Click(`.signin-box button[type="submit"]`),
				chromedp.WaitVisible(`.sidenav`))...)
		}

		// The 纪委监委 records the finding and notifies it.
		signIn("jiwei", false)
		var findingURL string
		step("record the finding",
			chromedp.Navigate(fmt.Sprintf("%s/findings?record=%d#record", f.ts.URL, county)),
			chromedp.WaitVisible(`#finding-form`),
			set(`#finding-form select[name="source"]`, "discipline"),
			set(`#finding-form select[name="category"]`, "work_style"),
			set(`#finding-form select[name="severity"]`, "minor"),
			set(`#finding-form input[name="found_on"]`, "2025-06-01"),
			chromedp.SendKeys(`#finding-form input[name="title"]`, "会议纪要记录不规范"),
			chromedp.SendKeys(`#finding-form textarea[name="description"]`, "抽查发现区政府常务会议纪要未完整记录议题讨论情况。"),
			chromedp.Click(fmt.Sprintf(`#finding-form input[name="people"][value="%d"]`, cadre.PersonID)),
			chromedp.Click(`#finding-form button[type="submit"]`),
			chromedp.WaitVisible(`#notify-form`),
			set(`#notify-form input[name="notified_on"]`, "2025-06-15"),
			chromedp.SendKeys(`#notify-form input[name="reason"]`, "书面反馈本人"),
			chromedp.Click(`#notify-form button[type="submit"]`),
			// The page before the notice has the review link too: wait for the
			// notice to be recorded, or the cycle may run before it is.
			chromedp.WaitNotPresent(`#notify-form`),
			chromedp.WaitVisible(`#review-link`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				findingURL, err = chromedp.Evaluate[string](`location.pathname`)(ctx, tg)
				return err
			}))
		if !strings.HasPrefix(findingURL, "/findings/") {
			t.Fatalf("after recording: at %s", findingURL)
		}

		before, page := run()
		if !strings.Contains(page, "会议纪要记录不规范") || !strings.Contains(page, "计入") {
			t.Fatalf("the explanation does not list the new finding as counted")
		}

		// The office takes the exemption through its procedure.
		signIn("kaoheban", true)
		answers := []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(`#exemption-decided-form`),
		}
		for _, c := range []string{"public_interest", "mistake", "exploratory", "remedied", "no_grave_harm"} {
			answers = append(answers, chromedp.Click(fmt.Sprintf(`#exemption-decided-form input[name="answer_%s"][value="yes"]`, c)),
				chromedp.SendKeys(fmt.Sprintf(`#exemption-decided-form input[name="note_%s"]`, c), "经核实符合"))
		}
		step("apply", chromedp.Navigate(f.ts.URL+findingURL),
			chromedp.Click(`#review-link`),
			chromedp.WaitVisible(`#exemption-apply-form`),
			chromedp.SendKeys(`#exemption-apply-form textarea[name="statement"]`, "会议纪要由新任记录人员整理，属工作失误，已整改。"),
			chromedp.Click(`#exemption-apply-form button[type="submit"]`),
			chromedp.WaitVisible(`#exemption-verified-form`))
		step("verify",
			chromedp.SendKeys(`#exemption-verified-form textarea[name="note"]`, "经核实，属记录不规范，无故意隐瞒。"),
			chromedp.Click(`#exemption-verified-form button[type="submit"]`),
			chromedp.WaitVisible(`#exemption-deliberated-form`))
		step("deliberate",
			set(`#exemption-deliberated-form input[name="day"]`, dbtest.Epoch.Format(time.DateOnly)),
			chromedp.SendKeys(`#exemption-deliberated-form input[name="body"]`, "市委组织部部务会"),
			chromedp.SendKeys(`#exemption-deliberated-form textarea[name="note"]`, "同意免责。"),
			chromedp.Click(`#exemption-deliberated-form button[type="submit"]`))
		step("decide", append(answers,
			chromedp.SendKeys(`#exemption-decided-form textarea[name="note"]`, "工作失误，及时纠正，予以免责。"),
			chromedp.Click(`#exemption-decided-form button[type="submit"]`),
			chromedp.WaitVisible(`#exemption-fed_back-form`))...)
		step("feed back",
			set(`#exemption-fed_back-form input[name="day"]`, dbtest.Epoch.Format(time.DateOnly)),
			chromedp.SendKeys(`#exemption-fed_back-form input[name="body"]`, "书面告知本人"),
			chromedp.SendKeys(`#exemption-fed_back-form textarea[name="note"]`, "免责决定已送达。"),
			chromedp.Click(`#exemption-fed_back-form button[type="submit"]`),
			chromedp.WaitVisible(`#review`))

		// The re-run gives back exactly the rule's points.
		after, page := run()
		if got := after - before; math.Abs(got-0.5) > 1e-9 {
			t.Errorf("the re-run changed the total by %v (%v → %v), want +0.5, the exempted finding's points", got, before, after)
		}
		if i := strings.Index(page, "会议纪要记录不规范"); i < 0 || !strings.Contains(page[i:min(len(page), i+2000)], "已免责") {
			t.Error("the explanation does not show the finding as exempted")
		}
		_, person := f.get(t, office, fmt.Sprintf("/people/%d", cadre.PersonID))
		if i := strings.Index(person, "会议纪要记录不规范"); i < 0 || !strings.Contains(person[i:min(len(person), i+1000)], "已免责") {
			t.Error("the cadre's integrity archive does not show the finding as exempted")
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
