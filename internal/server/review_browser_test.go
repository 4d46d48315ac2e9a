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
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/review"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/sources"
	"kaohe/internal/survey"
)

// TestReviewBrowser walks a 差评 from a phone to a score, in Chromium: 甲县's
// service-review administrator prints the QR poster of a window; a phone,
// signed in nowhere, opens its address and rates case C002 不满意 with a
// comment and a phone number, which opens a work order; the office
// publishes the metrics and scores a leadership-team cycle whose
// 差评整改率 (0 with the order open) weighs 60 %; the administrator takes
// the order through 签收 → 核实 → 整改 → 反馈 → 回访 → 办结 on its page, the
// rate becomes 100, and the re-run scores 甲县 exactly 60 points more, with
// the explanation naming the review system as the value's source.
func TestReviewBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx0 := context.Background()
		f := newFixture(t, d)
		sys := auth.SystemActor("test")
		county := f.units["330102"]
		rs := review.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
		it, err := rs.SaveItem(ctx0, sys, review.Item{UnitID: county.ID, Code: "110", Name: "不动产登记", Window: "综合受理3号窗口"})
		if err != nil {
			t.Fatal(err)
		}
		var cases []review.CaseIn
		for i := 1; i <= 3; i++ {
			cases = append(cases, review.CaseIn{Number: fmt.Sprintf("C%03d", i), Item: "110", FinishedOn: "2026-02-27", Channel: "窗口评价器"})
		}
		if _, err := rs.ImportCases(ctx0, sys, county.ID, cases, "测试"); err != nil {
			t.Fatal(err)
		}
		// The review system's items exist once it publishes; the scheme
		// reads 差评整改率 (60) and 好评率 (40) on goalposts 0–100.
		if _, err := rs.PublishMetrics(ctx0, sys, f.units["330000"].ID, "2026"); err != nil {
			t.Fatal(err)
		}
		schemes := scheme.NewService(d, auth.Policy{})
		lo, hi := 0.0, 100.0
		goal := score.Normalisation{Method: score.Goalposts, Low: &lo, High: &hi}
		for _, ind := range []scheme.Indicator{
			{Code: "SVC_RECTIFY", Name: "政务服务差评整改率", Kind: score.KindQuantitative, Unit: "%", DataItem: review.ItemRectifyRate},
			{Code: "SVC_GOOD", Name: "政务服务好评率", Kind: score.KindQuantitative, Unit: "%", DataItem: review.ItemGoodRate},
		} {
			if _, err := schemes.SaveIndicator(ctx0, sys, ind); err != nil {
				t.Fatal(err)
			}
		}
		doc := &score.Scheme{Indicators: []score.Indicator{
			{Code: "PUBLIC", Name: "群众评价", Weight: 100},
			{Code: "SVC_RECTIFY", Name: "政务服务差评整改率", Parent: "PUBLIC", Weight: 60, Normalise: goal},
			{Code: "SVC_GOOD", Name: "政务服务好评率", Parent: "PUBLIC", Weight: 40, Normalise: goal},
		}, Grading: score.Grading{Bands: []score.Band{{Grade: "好", Min: 85}, {Grade: "较好", Min: 70}, {Grade: "一般", Min: 60}, {Grade: "较差", Min: -1e9}}}}
		sc, err := schemes.CreateScheme(ctx0, sys, scheme.Scheme{Code: "jia-service", Name: "甲市县区政务服务", Subject: scheme.SubjectUnit,
			OwnerUnitID: f.units["330100"].ID})
		if err != nil {
			t.Fatal(err)
		}
		ver, err := schemes.CreateVersion(ctx0, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初版"})
		if err != nil {
			t.Fatal(err)
		}
		cs := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		c, err := cs.Create(ctx0, sys, cycle.Cycle{Code: "svc-2026", Name: "2026年度政务服务考核", Kind: cycle.Annual, Subject: cycle.SubjectUnit,
			OwnerUnitID: f.units["330100"].ID, SchemeVersionID: ver.ID, Period: "2026"}, cycle.Selection{UnitIDs: []int64{county.ID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
			if _, err := cs.Move(ctx0, sys, c.ID, to, ""); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		office := f.signIn(t, "office")
		entity := db.FormatID(county.ID)
		// run publishes the metrics and scores the cycle as the office does,
		// from its pages, and returns 甲县's total and the explanation.
		run := func() (float64, string) {
			t.Helper()
			if res := f.post(t, office, "/review/publish", url.Values{"unit": {db.FormatID(f.units["330100"].ID)}, "period": {"2026"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: got %d", res.StatusCode)
			}
			if res := f.post(t, office, fmt.Sprintf("/cycles/%d/run", c.ID), url.Values{}); res.StatusCode != http.StatusSeeOther {
				_, err := cs.Run(ctx0, sys, c.ID)
				t.Fatalf("run: got %d (%v)", res.StatusCode, err)
			}
			p, err := cs.Profile(ctx0, sys, c.ID, entity)
			if err != nil {
				t.Fatal(err)
			}
			_, page := f.get(t, office, fmt.Sprintf("/cycles/%d/results/%s", c.ID, entity))
			return p.Result.Total, pageText(page)
		}

		ctx := browser(t)
		var ce consoleErrors
		ce.listen(ctx)
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
		text := func(sel string, out *string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				*out, err = chromedp.Text(sel)(ctx, tg)
				return err
			})
		}

		// The administrator prints the window's poster.
		var posterURL string
		step("print the poster",
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, string(auth.RoleServiceReview)),
			chromedp.SendKeys(`input[name="password"]`, password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`.sidenav`),
			chromedp.Navigate(fmt.Sprintf("%s/review/units/%d", f.ts.URL, county.ID)),
			chromedp.Click(`#review-items a.poster-link`),
			chromedp.WaitVisible(`#review-poster svg.qr`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				posterURL, err = chromedp.Evaluate[string](`document.getElementById("review-page-link").getAttribute("href")`)(ctx, tg)
				return err
			}),
			chromedp.Click(`a[href="/review/units/`+entity+`"]`),
			chromedp.WaitVisible(`.sidenav`),
			chromedp.Click(`form[action="/signout"] button`),
			chromedp.WaitVisible(`input[name="login"]`))
		u, err := url.Parse(strings.TrimSpace(posterURL))
		if err != nil || u.Path != "/r/"+db.FormatID(it.ID) {
			t.Fatalf("the poster's address %q is not the item's review page", posterURL)
		}
		// Its QR code holds that page on the site's public address.
		qr, err := survey.QRSVG(review.PageURL(DefaultBaseURL, it.ID))
		if err != nil {
			t.Fatal(err)
		}
		if _, body := f.get(t, office, fmt.Sprintf("/review/items/%d/poster", it.ID)); !strings.Contains(body, qr) {
			t.Errorf("the poster's QR code is not the review page's public address")
		}

		// A phone, signed in nowhere, reviews case C002 by the QR address.
		var order string
		step("review on the phone",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Navigate(f.ts.URL+u.Path),
			chromedp.WaitVisible(`#review-form`),
			chromedp.SendKeys(`#review-form input[name="number"]`, "C009"),
			chromedp.Click(`#review-form input[name="level"][value="unsatisfied"]`),
			chromedp.SendKeys(`#review-form textarea[name="comment"]`, "材料要求前后不一致，跑了三趟"),
			chromedp.Click(`#review-form button[type="submit"]`),
			chromedp.WaitVisible(`#review-error`),
			chromedp.Clear(`#review-form input[name="number"]`),
			chromedp.SendKeys(`#review-form input[name="number"]`, "C002"),
			chromedp.Click(`#review-form input[name="level"][value="unsatisfied"]`),
			chromedp.SendKeys(`#review-form input[name="contact"]`, "13900001111"),
			chromedp.Click(`#review-form button[type="submit"]`),
			chromedp.WaitVisible(`#review-order`),
			text(`#review-order`, &order))
		if !strings.Contains(order, "W2026") {
			t.Fatalf("the thanks name no work order: %q", order)
		}
		var held int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM reviews WHERE status <> 'counted'`).Scan(&held); err != nil || held != 0 {
			t.Fatalf("the phone's review was held (%d, %v): a signed-out phone is no staff", held, err)
		}

		before, page := run()
		if !strings.Contains(page, "政务服务差评整改率") || !strings.Contains(page, "好差评系统计算") {
			t.Fatalf("the explanation does not show the rate from the review system:\n%.2000s", page)
		}

		// The administrator takes the order to its end on its page.
		step("sign in as the administrator",
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, string(auth.RoleServiceReview)),
			chromedp.SendKeys(`input[name="password"]`, password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`.sidenav`),
			chromedp.Click(`.sidenav a[href="/review/orders"]`),
			chromedp.WaitVisible(`table.work-orders`),
			chromedp.Click(`table.work-orders a.code`),
			chromedp.WaitVisible(`#work-order-form`))
		moves := []struct{ to, owner, satisfaction, note string }{
			{"verifying", "王科长", "", "已签收，转不动产登记窗口核实"},
			{"rectifying", "", "", "经核实，窗口一次性告知不到位"},
			{"replied", "", "", "已修订办事指南并对窗口人员培训，电话告知评价人"},
			{"visited", "", "satisfied", "电话回访，评价人表示满意"},
			{"closed", "", "", "办结"},
		}
		for i, m := range moves {
			acts := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(`#work-order-form`),
				chromedp.SetValue(`#work-order-form select[name="to"]`, m.to)}
			if m.owner != "" {
				acts = append(acts, chromedp.SendKeys(`#work-order-form input[name="owner"]`, m.owner))
			}
			if m.satisfaction != "" {
				acts = append(acts, chromedp.SetValue(`#work-order-form select[name="satisfaction"]`, m.satisfaction))
			}
			acts = append(acts, chromedp.SendKeys(`#work-order-form textarea[name="note"]`, m.note),
				chromedp.Click(`#work-order-form button[type="submit"]`),
				// The order's page again, one step longer.
				chromedp.WaitVisible(fmt.Sprintf(`#work-order-steps li:nth-child(%d)`, i+2)))
			step("move to "+m.to, acts...)
		}
		var state string
		step("closed", text(`#work-order-state`, &state))
		if !strings.Contains(state, "办结") {
			t.Fatalf("after the last step the order is %q", state)
		}

		after, page := run()
		if got := after - before; math.Abs(got-60) > 1e-9 {
			t.Errorf("closing the order changed 甲县's total by %v (%v → %v), want +60, the rate's whole weight", got, before, after)
		}
		if !strings.Contains(page, "来源：浙江省·好差评系统计算·第 2 版") {
			t.Errorf("the explanation does not name the rate's second version from the review system:\n%.3000s", page)
		}
		// The refused review (an unknown case) answers 422, which the
		// console reports; nothing else may.
		for _, e := range ce.take() {
			if !strings.Contains(e, "status of 422") {
				t.Errorf("console error: %s", e)
			}
		}
	})
}
