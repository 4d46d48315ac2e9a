package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/db/dbtest"
)

// TestFieldWorkBrowser does the team's field work in the browser: from the
// navigation to the county, a verification with its evidence file, then
// judgements refused for a grade without its basis — the row and field
// named, the form kept as filled in — and saved once completed; the
// console stays clean.
func TestFieldWorkBrowser(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	fieldCycle(t, f)
	dir := t.TempDir()
	evidence := filepath.Join(dir, "党建台账.pdf")
	os.WriteFile(evidence, []byte("%PDF-1.4\n%%EOF\n"), 0o644)
	shots := artifacts(t)
	ctx := browser(t)
	var ce consoleErrors
	ce.listen(ctx)
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, "field-"+name+".png"), buf, 0o644)
		})
	}
	text := func(sel string, dst *string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			s, err := chromedp.Text(sel)(ctx, tg)
			*dst = s
			return err
		})
	}
	// set sets a form control's value, as a date picker or a select does.
	set := func(sel, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); e.value = `+"`"+value+"`"+`; return true })()`)(ctx, tg)
			return err
		})
	}
	var tasks, verifications, errors, judgements string
	step := func(name string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(c, acts...); err != nil {
			var body string
			chromedp.Do(ctx, text("body", &body))
			t.Fatalf("%s: %v\n%.1500s", name, err, body)
		}
	}
	step("sign in", chromedp.Navigate(f.ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name="login"]`),
		chromedp.SendKeys(`input[name="login"]`, "team"),
		chromedp.SendKeys(`input[name="password"]`, password),
		chromedp.Click(`.signin-box button[type="submit"]`),
		chromedp.WaitVisible(`#home-team`))
	step("open the tasks", chromedp.Click(`.sidenav a[href="/field"]`),
		chromedp.WaitVisible(`#field-progress`),
		chromedp.Click(`#field-progress tbody td a`),
		chromedp.WaitVisible(`#field-tasks`),
		text("#field-tasks", &tasks),
		shot("1-tasks"))
	step("verify", chromedp.Click(`#field-tasks tbody td a`),
		chromedp.WaitVisible(`#verification-form`),
		set(`#verification-form input[name="checked_on"]`, "2026-01-10"),
		chromedp.SendKeys(`#verification-form input[name="checked"]`, "党建工作台账"),
		chromedp.SendKeys(`#verification-form textarea[name="finding"]`, "台账齐全"),
		chromedp.SetUploadFiles(`#verification-form input[type="file"]`, []string{evidence}),
		chromedp.Click(`#verification-form button[type="submit"]`),
		chromedp.WaitVisible(`.flash.ok`),
		text("#verifications", &verifications))
	step("judge without a basis", set(`#judgement-form input[name="j.1.score"]`, "85"),
		chromedp.SendKeys(`#judgement-form input[name="j.1.basis"]`, "责任清单落实到位"),
		set(`#judgement-form select[name="j.2.grade"]`, "较好"),
		chromedp.Click(`#judgement-form button[type="submit"]`),
		chromedp.WaitVisible(`#field-errors`),
		text("#field-errors", &errors),
		shot("2-refused"))
	step("judge", chromedp.SendKeys(`#judgement-form input[name="j.2.basis"]`, "班子团结"),
		chromedp.Click(`#judgement-form button[type="submit"]`),
		chromedp.WaitVisible(`.flash.ok`),
		text("#judgements", &judgements),
		shot("3-judged"))
	for _, c := range []struct{ what, text, want string }{
		{"task list", tasks, "未开始"},
		{"verifications", verifications, "党建台账.pdf"},
		{"errors", errors, "第 2 行：评价依据：请填写“班子建设”的评价依据。"},
		{"judgements", judgements, "用户team"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s: no %q in %q", c.what, c.want, c.text)
		}
	}
	// The refused form answers 422, which the console notes; nothing else may.
	for _, e := range ce.take() {
		if !strings.Contains(e, "status of 422") {
			t.Errorf("console error: %s", e)
		}
	}
}
