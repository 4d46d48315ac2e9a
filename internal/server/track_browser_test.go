package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/sources"
	"kaohe/internal/track"
)

// TestCommitmentBrowser walks a commitment through the year in Chromium:
// the demo's cadre (清河区区长) files it with milestones, the office approves
// it, she reports mid-year progress with an evidence file and her year-end
// proof, and the assessment team verifies it as done; a cadre scheme
// version that scores 领导干部亮诺践诺率 then shows her delivery rate in the
// cycle's explanation with its source, the track system. Then the office
// puts 清河区's 规上工业增加值 on a trajectory it lags, and the home page
// lists the red alert; a value the statistics bureau submits for a new year
// raises one as it arrives.
func TestCommitmentBrowser(t *testing.T) {
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
		var county, stats int64
		for q, dst := range map[string]*int64{
			`SELECT id FROM units WHERE code = '910102'`:     &county,
			`SELECT id FROM units WHERE code = '910100-TJJ'`: &stats,
		} {
			if err := d.SQL.QueryRow(q).Scan(dst); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		evidence := filepath.Join(t.TempDir(), "上半年进展报告.pdf")
		if err := os.WriteFile(evidence, []byte("%PDF-1.4\n%%EOF\n"), 0o644); err != nil {
			t.Fatal(err)
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
		text := func(sel string, out *string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				*out, err = chromedp.Text(sel)(ctx, tg)
				return err
			})
		}

		// The cadre files her commitment.
		signIn("ganbu", false)
		var at string
		owner := fmt.Sprintf("person:%d:%d", cadre.PersonID, county)
		step("file",
			chromedp.Click(`.sidenav a[href="/commitments"]`),
			chromedp.WaitVisible(`#commitment-form`),
			set(`#commitment-form select[name="owner"]`, owner),
			set(`#commitment-form select[name="year"]`, "2025"),
			chromedp.SendKeys(`#commitment-form input[name="title"]`, "建成清河区企业服务直通车平台"),
			set(`#commitment-form select[name="dimension"]`, "governance"),
			chromedp.Click(`#commitment-form input[name="target"][value="milestones"]`),
			chromedp.SendKeys(`#milestones tbody tr:nth-child(1) input[name="milestone_title"]`, "完成平台建设方案"),
			set(`#milestones tbody tr:nth-child(1) input[name="milestone_due"]`, "2025-03-31"),
			chromedp.SendKeys(`#milestones tbody tr:nth-child(2) input[name="milestone_title"]`, "平台上线运行"),
			set(`#milestones tbody tr:nth-child(2) input[name="milestone_due"]`, "2025-09-30"),
			chromedp.Click(`#commitment-form button[type="submit"]`),
			chromedp.WaitVisible(`#commitment-status`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				at, err = chromedp.Evaluate[string](`location.pathname`)(ctx, tg)
				return err
			}))
		if !strings.HasPrefix(at, "/commitments/") {
			t.Fatalf("after filing: at %s", at)
		}
		signIn("kaoheban", true)
		step("approve", chromedp.Navigate(f.ts.URL+at),
			chromedp.WaitVisible(`#review-form`),
			chromedp.Click(`#review-form button[value="approve"]`),
			chromedp.WaitVisible(`.flash.ok`),
			chromedp.WaitNotPresent(`#review-form`))
		signIn("ganbu", true)
		var reports string
		step("report progress with evidence", chromedp.Navigate(f.ts.URL+at),
			chromedp.WaitVisible(`#report-form`),
			set(`#report-form select[name="stage"]`, "midyear"),
			chromedp.SendKeys(`#report-form textarea[name="body"]`, "平台建设方案已印发，系统开发完成六成。"),
			chromedp.SetUploadFiles(`#report-form input[type="file"]`, []string{evidence}),
			chromedp.Click(`#report-form button[type="submit"]`),
			chromedp.WaitVisible(`#report-list`))
		step("prove", set(`#report-form select[name="stage"]`, "yearend"),
			chromedp.SendKeys(`#report-form textarea[name="body"]`, "平台9月上线，全年服务企业1200家次。"),
			chromedp.Click(`#report-form button[type="submit"]`),
			// The list is there since the first report: wait for its
			// second row, not for the list.
			chromedp.WaitVisible(`#report-list tbody tr:nth-child(2)`),
			text("#report-list", &reports))
		if !strings.Contains(reports, "上半年进展报告.pdf") || !strings.Contains(reports, "年底亮效") {
			t.Fatalf("the reports read %q", reports)
		}
		signIn("kaohezu", true)
		var verdict string
		step("verify", chromedp.Navigate(f.ts.URL+at),
			chromedp.WaitVisible(`#verify-form`),
			chromedp.Click(`#verify-form input[name="verdict"][value="done"]`),
			chromedp.SendKeys(`#verify-form textarea[name="reason"]`, "经查阅平台运行记录，按期上线。"),
			chromedp.Click(`#verify-form button[type="submit"]`),
			chromedp.WaitVisible(`#commitment-verdict`),
			text("#commitment-verdict", &verdict))
		if verdict != "完成" {
			t.Errorf("the verdict reads %q", verdict)
		}

		// A cadre scheme version scoring the delivery rate, and a cycle on it.
		var rate float64
		if err := d.SQL.QueryRow(`SELECT value FROM data_values WHERE item_code = $1 AND entity_id = $2 AND period = '2025' AND is_current`,
			track.ItemCadreDelivery, cadre.PersonID).Scan(&rate); err != nil {
			t.Fatalf("the cadre's delivery rate: %v", err)
		}
		sys := auth.SystemActor("test")
		var active, schemeID, evaluation, city int64
		for q, dst := range map[string]*int64{
			`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'qingzhou-cadre' AND v.status = 'active'`: &active,
			`SELECT id FROM schemes WHERE code = 'qingzhou-cadre'`:                                                                            &schemeID,
			`SELECT id FROM evaluations WHERE title = '2025年度清河区领导班子和领导干部民主测评'`:                                                               &evaluation,
			`SELECT id FROM units WHERE code = '910100'`:                                                                                      &city,
		} {
			if err := d.SQL.QueryRow(q).Scan(dst); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var doc *score.Scheme
		if err := d.View(ctx0, func(tx *db.Tx) (err error) {
			doc, _, _, err = scheme.VersionDocument(ctx0, tx, active)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// 工作实绩 keeps 80 of 绩's weight, the delivery rate takes 20.
		delivery := score.Indicator{Code: "CADRE_DELIVERY", Parent: "C_JI", Weight: 20, Weights: map[string]float64{}}
		for k := range doc.Indicators {
			if in := &doc.Indicators[k]; in.Code == "CADRE_RESULTS" {
				in.Weight = 80
				for cat := range in.Weights {
					in.Weights[cat], delivery.Weights[cat] = 80, 20
				}
			}
		}
		doc.Indicators = append(doc.Indicators, delivery)
		schemes := scheme.NewService(d, auth.Policy{}, sources.Scheme()...)
		v, err := schemes.CreateVersion(ctx0, sys, schemeID, scheme.Draft{Doc: doc, Reason: "加入亮诺践诺率", EffectiveCycle: "2025年度",
			Library: []scheme.Indicator{{Code: "CADRE_DELIVERY", Name: "亮诺践诺率", Kind: score.KindQuantitative, DataItem: track.ItemCadreDelivery, Unit: "%"}}})
		if err != nil {
			t.Fatal(err)
		}
		cs := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		c, err := cs.Create(ctx0, sys, cycle.Cycle{Code: "delivery-2025", Name: "清河区区长2025年度考核（亮诺践诺）", Kind: cycle.Annual,
			Subject: cycle.SubjectPerson, OwnerUnitID: city, SchemeVersionID: v.ID, Period: "2025", EvaluationIDs: []int64{evaluation}},
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
		if res := f.post(t, office, fmt.Sprintf("/cycles/%d/run", c.ID), url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("run: got %d", res.StatusCode)
		}
		_, page := f.get(t, office, fmt.Sprintf("/cycles/%d/results/%d", c.ID, cadre.PersonID))
		i := strings.Index(page, "亮诺践诺率")
		if i < 0 {
			t.Fatal("the explanation does not list the delivery rate")
		}
		row := page[i:min(len(page), i+1500)]
		if !strings.Contains(row, "亮诺践诺系统计算") || !strings.Contains(row, fmt.Sprint(rate)) {
			t.Errorf("the delivery rate's row does not show %v from the track system: %.600s", rate, row)
		}

		// Monitoring: 清河区 lags a trajectory the office sets; the home lists it.
		signIn("kaoheban", true)
		var lagging string
		step("set a trajectory", chromedp.Click(`.sidenav a[href="/monitors"]`),
			chromedp.WaitVisible(`#monitor-form`),
			set(`#monitor-form select[name="unit"]`, fmt.Sprint(county)),
			set(`#monitor-form select[name="item"]`, demo.ItemIndustryMonthly),
			set(`#monitor-form select[name="year"]`, "2025"),
			set(`#monitor-form select[name="method"]`, "linear"),
			chromedp.SendKeys(`#monitor-form input[name="target"]`, "9999"),
			chromedp.Click(`#monitor-form button[type="submit"]`),
			chromedp.WaitVisible(`.flash.ok`),
			chromedp.Navigate(f.ts.URL+"/"),
			chromedp.WaitVisible(`.home-lagging`),
			text(".home-lagging", &lagging))
		if !strings.Contains(lagging, "清河区") || !strings.Contains(lagging, "红色预警") {
			t.Errorf("the home's lagging indicators read %q", lagging)
		}

		// A value submitted for 2026 is compared as it arrives.
		tracks := track.NewService(d, auth.Policy{}, nil)
		if _, err := tracks.SetMonitor(ctx0, sys, track.MonitorDraft{UnitID: county, ItemCode: demo.ItemIndustryMonthly, Year: 2026,
			Method: track.Linear, Target: "1200"}); err != nil {
			t.Fatal(err)
		}
		provider := f.signInWith(t, "shi.tongji", logins["shi.tongji"].Password)
		form := url.Values{"owner": {fmt.Sprint(stats)}, "period": {"2026-01"}, fmt.Sprintf("v.%d.%s", county, demo.ItemIndustryMonthly): {"80"}}
		if res := f.post(t, provider, "/collect", form); res.StatusCode >= 400 {
			t.Fatalf("submit: got %d", res.StatusCode)
		}
		var light string
		if err := d.SQL.QueryRow(`SELECT status FROM monitors WHERE unit_id = $1 AND year = 2026`, county).Scan(&light); err != nil || light != "red" {
			t.Errorf("the 2026 monitor after 80 of 100 expected: %q (%v), want red", light, err)
		}
		_, home := f.get(t, office, "/")
		if !strings.Contains(home, "2026-01") {
			t.Error("the home does not list the alert the new value raised")
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
