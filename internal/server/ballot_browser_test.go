package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
)

// TestBallotOnPhone casts a ballot in Chromium at the size of a phone
// (390 × 844, touch): the page fits the screen without scrolling sideways,
// every choice is a large tap target, and the ballot is counted.
func TestBallotOnPhone(t *testing.T) {
	f := newEvalFixture(t, dbtest.SQLite(t))
	ctx := browser(t)
	dir := artifacts(t)
	var ce consoleErrors
	ce.listen(ctx)
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "ballot-"+name+".png"), buf, 0o644)
		})
	}
	code := f.codes[1].Code
	var clicks []chromedp.Action[chromedp.Void]
	for _, s := range f.open.Subjects {
		for _, it := range s.Q().Items {
			// The second grade of every item: 较好, 称职.
			clicks = append(clicks, chromedp.Click(fmt.Sprintf(`input[id="a.%d.%s.1"] + span`, s.ID, it.Code)))
		}
	}
	var (
		width     int
		tapHeight float64
		before    string
		after     string
	)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(f.ts.URL + "/b/" + code),
		chromedp.WaitVisible(`form.ballot`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			width, err = chromedp.Evaluate[int](`document.documentElement.scrollWidth`)(ctx, tg)
			if err != nil {
				return err
			}
			tapHeight, err = chromedp.Evaluate[float64](`document.querySelector('.choice span').getBoundingClientRect().height`)(ctx, tg)
			if err != nil {
				return err
			}
			before, err = chromedp.Text(`body`)(ctx, tg)
			return err
		}),
		shot("1-form"),
	}
	steps = append(steps, clicks...)
	steps = append(steps,
		shot("2-filled"),
		chromedp.Click(`button.ballot-submit`),
		chromedp.WaitVisible(`.ballot-state.state-done`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			after, err = chromedp.Text(`body`)(ctx, tg)
			return err
		}),
		shot("3-done"),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("cast a ballot on the phone: %v", err)
	}
	if width > 390 {
		t.Errorf("the ballot is %d px wide on a 390 px screen: it scrolls sideways", width)
	}
	if tapHeight < 44 {
		t.Errorf("a choice is %.0f px high, want a tap target of at least 44", tapHeight)
	}
	for _, want := range []string{"张三", "县委书记", "优秀", "称职", "政治素质", "上级"} {
		if !strings.Contains(before, want) {
			t.Errorf("ballot lacks %q", want)
		}
	}
	if !strings.Contains(after, "提交成功") {
		t.Errorf("after casting: got %q, want 提交成功", after)
	}
	ps, err := f.s.Participation(context.Background(), auth.SystemActor("test"), f.open.ID)
	if err != nil || ps[0].Used != 1 {
		t.Errorf("participation after the phone ballot: got %+v %v, want 1 used", ps, err)
	}
	// The code is now used; the page says so.
	var again string
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/b/"+code),
		chromedp.WaitVisible(`.ballot-state`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			again, err = chromedp.Text(`body`)(ctx, tg)
			return err
		}),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "测评码已使用") {
		t.Errorf("reopening a used code: got %q", again)
	}
	chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond))
	for _, e := range ce.take() {
		t.Errorf("browser console: %s", e)
	}
}
