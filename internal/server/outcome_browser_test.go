package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestOutcomeBrowser decides a proposal and hands over a post in
// Chromium on the demo: the office opens the pending 记三等功 proposal,
// reads its evidence (three years 优秀), adopts it with a reason, which
// the cadre's archive then lists under rewards; it records that 清河区's
// 区长 passes from the demo's cadre to a colleague, with the district's
// open findings listed; the cadre signs her side with her own sign-in.
func TestOutcomeBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(context.Background(), d, demo.Options{Seed: 1, Scale: 1})
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
		var county, successor, merit, excellent int64
		for q, dst := range map[string]*int64{
			`SELECT id FROM units WHERE code = '910102'`: &county,
			fmt.Sprintf(`SELECT MIN(p.person_id) FROM posts p JOIN units u ON u.id = p.unit_id WHERE u.code = '910102'
				AND p.end_date IS NULL AND p.person_id <> %d`, cadre.PersonID): &successor,
			`SELECT id FROM outcome_proposals WHERE action = 'merit_third' AND status = 'pending'`:        &merit,
			`SELECT person_id FROM outcome_proposals WHERE action = 'merit_third' AND status = 'pending'`: &excellent,
		} {
			if err := d.SQL.QueryRow(q).Scan(dst); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
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
		text := func(sel string, out *string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				*out, err = chromedp.Text(sel)(ctx, tg)
				return err
			})
		}
		step := func(name string, acts ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(c, acts...); err != nil {
				var body string
				chromedp.Do(ctx, text("body", &body))
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

		signIn("kaoheban", false)
		var grades, decision string
		step("open the proposal from the list",
			chromedp.Click(`.sidenav a[href="/outcome"]`),
			chromedp.WaitVisible(fmt.Sprintf(`#pending #proposal-%d`, merit)),
			chromedp.Click(fmt.Sprintf(`#proposal-%d a[href="/outcome/proposals/%d"]`, merit, merit)),
			chromedp.WaitVisible(`#evidence-grades`),
			text(`#evidence-grades tbody`, &grades))
		if strings.Count(grades, "优秀") != 3 {
			t.Errorf("the evidence shows %q, want three years 优秀", grades)
		}
		step("adopt without a reason is refused",
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[bool](`(() => { document.querySelector('#decide-form textarea').removeAttribute('required'); return true })()`)(ctx, tg)
				return err
			}),
			chromedp.Click(`#adopt`),
			chromedp.WaitVisible(`#decide-errors`))
		ce.take() // the refused form's 422, which is the point
		step("adopt",
			chromedp.SendKeys(`#decide-form textarea[name="reason"]`, "经部务会研究，同意记三等功"),
			chromedp.Click(`#adopt`),
			chromedp.WaitVisible(`#proposal-decision`),
			text(`#proposal-decision`, &decision))
		if !strings.Contains(decision, "采纳") {
			t.Errorf("the decision reads %q", decision)
		}
		var rewards string
		step("the archive lists the reward",
			chromedp.Navigate(fmt.Sprintf("%s/people/%d", f.ts.URL, excellent)),
			chromedp.WaitVisible(`#archive-rewards`),
			text(`#archive-rewards`, &rewards))
		if !strings.Contains(rewards, "记三等功") || !strings.Contains(rewards, "经部务会研究") {
			t.Errorf("the archive's rewards read %q", rewards)
		}

		var items, handover string
		step("hand over the post",
			chromedp.Click(`.sidenav a[href="/handovers"]`),
			chromedp.WaitVisible(`#handover-form`),
			set(`#handover-form select[name="unit"]`, db.FormatID(county)),
			chromedp.SendKeys(`#handover-form input[name="title"]`, "区长"),
			set(`#handover-form select[name="from"]`, db.FormatID(cadre.PersonID)),
			set(`#handover-form select[name="to"]`, db.FormatID(successor)),
			set(`#handover-form input[name="handed_on"]`, "2026-03-01"),
			chromedp.Click(`#handover-form button[type="submit"]`),
			chromedp.WaitVisible(`#handover`),
			text(`#handover-items tbody`, &items),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				handover, err = chromedp.Evaluate[string](`location.pathname`)(ctx, tg)
				return err
			}))
		if !strings.HasPrefix(handover, "/handovers/") || items == "" {
			t.Fatalf("after recording: at %s, items %q", handover, items)
		}
		// It lists the district's open findings and the open rectification
		// tasks of its team's and her own reports, each by its kind.
		var open, tasks int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM findings WHERE unit_id = $1 AND status = 'active'`, county).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if err := d.SQL.QueryRow(`SELECT count(*) FROM rectification_tasks t JOIN feedback_reports r ON r.id = t.report_id
			WHERE r.unit_id = $1 AND r.person_id IN (0, $2) AND t.status <> 'done'`, county, cadre.PersonID).Scan(&tasks); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(items, "问题线索"); open == 0 || got != open {
			t.Errorf("the handover lists %d findings, want the district's %d open ones:\n%s", got, open, items)
		}
		if got := strings.Count(items, "整改任务"); tasks == 0 || got != tasks {
			t.Errorf("the handover lists %d rectification tasks, want the %d open ones:\n%s", got, tasks, items)
		}
		var taskLink string
		step("a task links to its report",
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				taskLink, err = chromedp.Evaluate[string](`(() => { const a = [...document.querySelectorAll('#handover-items a')].find(a => a.getAttribute('href').startsWith('/feedback/')); return a ? a.getAttribute('href') : '' })()`)(ctx, tg)
				return err
			}))
		if !strings.Contains(taskLink, "#task-") {
			t.Errorf("the office's task row links to %q, want its report's task", taskLink)
		}

		signIn("ganbu", true)
		var side, status string
		step("the predecessor signs",
			chromedp.Click(`.sidenav a[href="/handovers"]`),
			chromedp.Click(`#handover-list a[href="`+handover+`"]`),
			chromedp.WaitVisible(`#sign`),
			chromedp.Click(`#sign`),
			chromedp.WaitNotPresent(`#sign`),
			text(`#from-side`, &side),
			text(`#handover-status`, &status))
		if !strings.Contains(side, "已于") || !strings.Contains(status, "待双方签字") {
			t.Errorf("after signing: %q, %q", side, status)
		}
		// Her own archive lists the handover; a successor's sign-in is not
		// hers to use.
		res, body := f.get(t, f.signInWith(t, "ganbu", cadre.Password), fmt.Sprintf("/people/%d", cadre.PersonID))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+handover+`"`) {
			t.Errorf("her archive: %d, lists the handover: %v", res.StatusCode, strings.Contains(body, handover))
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
