package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// startFeedback starts the server of f with the PDF printer on the test's
// Chromium (KAOHE_TEST_CHROMIUM, or Debian's binary).
func (f *fixture) startFeedback(t testing.TB) {
	t.Helper()
	f.logs = &strings.Builder{}
	srv, err := New(Config{DB: f.db, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: f.logs}, nil)),
		Feedback: FeedbackConfig{Chromium: os.Getenv("KAOHE_TEST_CHROMIUM")}})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
}

// TestFeedbackBrowser walks the feedback of the demo's 2024 county team
// cycle in Chromium: the office drafts the reports and releases 清河区's
// with the drafted recommendations and a task; its cadre (ganbu) opens
// the notice from the inbox, signs for the report, reports the task done
// with evidence and appeals 森林覆盖率; the office verifies the task
// 整改到位 and answers the appeal 更正 with the corrected value; the cadre
// sees the answer and the next snapshot version with its diff. The demo
// has already corrected this cycle once and left 清河区 a task open: that
// task is carried (结转) into the new report above the report's own, and
// the test works on the report's own task.
func TestFeedbackBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx0 := context.Background()
		sum, err := demo.Build(ctx0, d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.startFeedback(t)
		logins := map[string]demo.Login{}
		for _, l := range sum.Logins {
			logins[l.Login] = l
		}
		var cycleID int64
		if err := d.SQL.QueryRow(`SELECT id FROM cycles WHERE code = 'qingzhou-county-2024'`).Scan(&cycleID); err != nil {
			t.Fatal(err)
		}
		evidence := filepath.Join(t.TempDir(), "造林验收.pdf")
		if err := os.WriteFile(evidence, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o644); err != nil {
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
		text := func(sel string, dst *string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				*dst, err = chromedp.Text(sel)(ctx, tg)
				return err
			})
		}
		step := func(name string, acts ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			c, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if err := chromedp.Do(c, acts...); err != nil {
				var body string
				chromedp.Do(ctx, text("body", &body))
				t.Fatalf("%s: %v\n%.2000s", name, err, body)
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
		reportURL := ""
		location := func(dst *string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				*dst, err = chromedp.Evaluate[string](`location.pathname`)(ctx, tg)
				return err
			})
		}

		// The office drafts, edits and releases, and makes a task.
		signIn("kaoheban", false)
		deadline := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		step("draft and release",
			chromedp.Navigate(fmt.Sprintf("%s/feedback?cycle=%d", f.ts.URL, cycleID)),
			chromedp.Click(`#draft-form button`),
			chromedp.WaitVisible(`#reports`),
			chromedp.Click(`//table[@id="reports"]//a[text()="清河区"]`),
			chromedp.WaitVisible(`#recommend-form`),
			chromedp.Click(`#recommend-form button`),
			chromedp.WaitVisible(`.flash`),
			chromedp.Click(`#release-form button`),
			chromedp.WaitVisible(`#task-form`),
			location(&reportURL),
			chromedp.SendKeys(`#task-form input[name="responsible"]`, "清河区自然资源和规划局"),
			set(`#task-form input[name="deadline"]`, deadline),
			chromedp.SendKeys(`#task-form input[name="target"]`, "森林覆盖率提高 1 个百分点"),
			chromedp.SendKeys(`#task-form textarea[name="steps"]`, "实施国土绿化行动，完成新造林 1.2 万亩"),
			chromedp.Click(`#task-form button`),
			chromedp.WaitVisible(`table.tasks`),
		)
		// The report's own tasks are the last table of #tasks; the carried
		// ones come first.
		const own = `#tasks > div.table-wrap:last-of-type `
		var status string
		step("released", text(`#report-status`, &status))
		if status != "已印发" {
			t.Fatalf("status after release: %q", status)
		}

		// The cadre opens the notice, signs, reports the task done with
		// evidence and appeals 森林覆盖率.
		signIn("ganbu", true)
		var forest, opened string
		step("inbox, receipt, progress, appeal",
			chromedp.Navigate(f.ts.URL+"/inbox"),
			// The demo's own reports are in the inbox too: open this one.
			chromedp.Click(`//ul[@id="inbox"]//button[contains(., "〔2024〕1号")]`),
			chromedp.WaitVisible(`#receipt-form`),
			location(&opened),
			chromedp.Click(`#receipt-form button`),
			chromedp.WaitVisible(`#received`),
			chromedp.SendKeys(own+`.progress-form input[name="note"]`, "已完成新造林 1.2 万亩并通过验收"),
			chromedp.SetUploadFiles(own+`.progress-form input[name="file"]`, []string{evidence}),
			chromedp.Click(own+`.progress-form input[name="done"]`),
			chromedp.Click(own+`.progress-form button`),
			chromedp.WaitVisible(own+`.updates`),
			set(`#appeal-form select[name="kind"]`, "value"),
			set(`#appeal-form select[name="subject"]`, "ECO_FOREST"),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				forest, err = chromedp.Evaluate[string](`document.querySelector('#appeal-form option[value="ECO_FOREST"]').textContent`)(ctx, tg)
				return err
			}),
			chromedp.SendKeys(`#appeal-form input[name="claimed"]`, "森林覆盖率应按林业调查结果计"),
			chromedp.SendKeys(`#appeal-form textarea[name="reason"]`, "报送时误将规划造林面积计入"),
			chromedp.SetUploadFiles(`#appeal-form input[name="file"]`, []string{evidence}),
			chromedp.Click(`#appeal-form button`),
			chromedp.WaitVisible(`.appeal-status`),
		)
		if opened != reportURL {
			t.Fatalf("the inbox opened %s, not the released report %s", opened, reportURL)
		}
		// The corrected value: 60 % of the value reported (森林覆盖率（58.25%）).
		raw := strings.TrimSuffix(forest[strings.Index(forest, "（")+len("（"):], "%）")
		var v float64
		if _, err := fmt.Sscanf(raw, "%g", &v); err != nil {
			t.Fatalf("value of %q: %v", forest, err)
		}
		corrected := fmt.Sprintf("%.1f", v*0.6)

		// The office verifies the task and corrects the value.
		signIn("kaoheban", true)
		step("verify and answer",
			chromedp.Navigate(f.ts.URL+reportURL),
			chromedp.WaitVisible(own+`.verify-form`),
			chromedp.Click(own+`.verify-form button[value="done"]`),
			// The verification reloads the report: wait for the new page.
			chromedp.WaitVisible(`//section[@id="tasks"]/div[contains(@class, "table-wrap")][last()]//span[contains(@class, "task-status")][text()="整改到位"]`),
			chromedp.WaitVisible(`.answer-form`),
			chromedp.SendKeys(`.answer-form textarea[name="answer"]`, "经核实，原数据误计规划造林面积，予以更正"),
			chromedp.SendKeys(`.answer-form input[name="value"]`, corrected),
			chromedp.Click(`.answer-form button[value="correct"]`),
			chromedp.WaitVisible(`.appeal-answer`),
		)
		var task string
		step("task verified", text(own+`.task-status`, &task))
		if task != "整改到位" {
			t.Fatalf("task after verification: %q", task)
		}

		// The cadre sees the answer and the corrected snapshot's diff.
		signIn("ganbu", true)
		var answer, diff, superseded string
		step("answer and versions",
			chromedp.Navigate(f.ts.URL+reportURL),
			chromedp.WaitVisible(`.appeal-answer`),
			text(`.appeal-status`, &answer),
			text(`#superseded`, &superseded),
			chromedp.Click(`.versions-link`),
			chromedp.WaitVisible(`table.diff`),
			text(`table.diff`, &diff),
		)
		var version int
		if err := d.SQL.QueryRow(`SELECT max(number) FROM snapshots WHERE cycle_id = $1`, cycleID).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if answer != "更正" || !strings.Contains(superseded, fmt.Sprintf("第 %d 版", version)) {
			t.Fatalf("answer %q, superseded %q", answer, superseded)
		}
		if !strings.Contains(diff, "清河区") || strings.Contains(diff, "望江区") {
			t.Fatalf("the cadre's diff: %q", diff)
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
