package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
)

// chromium is Debian's browser; tests never download one.
const chromium = "/usr/bin/chromium"

// browser returns a chromedp context: the already-running headless
// Chromium whose DevTools address KAOHE_TEST_CHROMIUM holds, or Debian's
// Chromium started for the test; the test is skipped (or fails under
// KAOHE_REQUIRE_ALL=1) when neither is there.
func browser(t *testing.T) context.Context {
	t.Helper()
	var (
		alloc  context.Context
		cancel context.CancelFunc
	)
	if addr := os.Getenv("KAOHE_TEST_CHROMIUM"); addr != "" {
		alloc, cancel = remote.NewAllocator(context.Background(), addr)
	} else if _, err := os.Stat(chromium); err == nil {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromium),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.Flag("headless", true),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.WindowSize(1280, 860),
		}
		alloc, cancel = chromedp.NewExecAllocator(context.Background(), opts...)
	} else {
		dbtest.Missing(t, "Chromium (KAOHE_TEST_CHROMIUM)")
	}
	t.Cleanup(cancel)
	first, cancelFirst := chromedp.NewContext(alloc)
	t.Cleanup(cancelFirst)
	if err := chromedp.Do(first); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Each test gets a browser context of its own — cookies, storage and
	// cache — so that a shared Chromium (KAOHE_TEST_CHROMIUM) does not carry
	// one test's sign-in into the next.
	ctx, cancelCtx := chromedp.NewContext(first, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return ctx
}

// artifacts returns the directory for screenshots: $KAOHE_ARTIFACTS, or a
// temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KAOHE_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// consoleErrors collects console errors, uncaught exceptions and browser
// log errors (CSP violations, failed loads) of the tab.
type consoleErrors struct {
	mu   sync.Mutex
	errs []string
}

func (c *consoleErrors) listen(ctx context.Context) {
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				c.mu.Lock()
				c.errs = append(c.errs, m.String())
				c.mu.Unlock()
			}
		}
	}()
}

func (c *consoleErrors) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.errs
	c.errs = nil
	return out
}

// TestBrowser signs in as the assessment office, as a county data
// provider and as a province's office, walks the jurisdiction tree, and
// checks that Chinese renders and the console stays clean; screenshots go
// to the artifacts directory. The tree opens by itself two levels deep:
// the top unit and its sub-units; a deeper unit loads when opened.
func TestBrowser(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	if _, err := auth.NewService(f.db, auth.Policy{}, org.GrantUnits{}).AddUser(context.Background(), auth.SystemActor("test"), auth.NewUser{
		Login: "province", Name: "省考核办", Password: password,
		Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: f.units["330000"].ID}},
	}); err != nil {
		t.Fatal(err)
	}
	dir := artifacts(t)
	tests := []struct {
		login string
		// see are unit names the tree must show as it opens; hidden are
		// names it must not show.
		see, hidden []string
		// deeper is a unit below the opened levels; below its sub-unit,
		// which the tree shows once deeper is opened. "" for none.
		deeper, below string
	}{
		{login: "office", see: []string{"甲市", "甲县", "甲市统计局", "城关镇"}, hidden: []string{"乙市", "乙县"}},
		{login: "provider", see: []string{"甲县", "城关镇"}, hidden: []string{"甲市统计局", "乙县"}},
		{login: "province", see: []string{"浙江省", "甲市", "乙市", "甲市统计局", "甲县", "乙县"}, deeper: "甲县", below: "城关镇"},
	}
	for _, tt := range tests {
		t.Run(tt.login, func(t *testing.T) {
			ctx := browser(t)
			var ce consoleErrors
			ce.listen(ctx)
			shot := func(name string) chromedp.Action[chromedp.Void] {
				return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					buf, err := chromedp.FullScreenshot(100)(ctx, tg)
					if err != nil {
						return err
					}
					return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", tt.login, name)), buf, 0o644)
				})
			}
			text := func(sel string, dst *string) chromedp.Action[chromedp.Void] {
				return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					s, err := chromedp.Text(sel)(ctx, tg)
					*dst = s
					return err
				})
			}
			var signinText, homeText, openText, closedText, treeText, unitText string
			err := chromedp.Do(ctx,
				chromedp.Navigate(f.ts.URL+"/"),
				chromedp.WaitVisible(`input[name="login"]`),
				text("body", &signinText),
				shot("1-signin"),
				chromedp.SendKeys(`input[name="login"]`, tt.login),
				chromedp.SendKeys(`input[name="password"]`, password),
				chromedp.Click(`.signin-box button[type="submit"]`),
				chromedp.WaitVisible(`.sidenav`),
				text("body", &homeText),
				shot("2-home"),
				chromedp.Click(`.sidenav a[href="/units"]`),
				// The top unit is open with its sub-units, without a click.
				chromedp.WaitVisible(`#tree > li > details[open] > ul > li`),
				text("#tree", &openText),
				// Closing the top unit hides them; opening shows them again.
				chromedp.Click(`#tree > li > details > summary`),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Poll[bool](`!document.querySelector('#tree > li > details').open`)(ctx, tg)
					return err
				}),
				text("#tree", &closedText),
				chromedp.Click(`#tree > li > details > summary`),
				chromedp.WaitVisible(`#tree > li > details[open] > ul > li`),
			)
			if err != nil {
				t.Fatalf("sign in and open the tree: %v", err)
			}
			for _, want := range tt.see {
				if !strings.Contains(openText, want) {
					t.Errorf("the tree as it opens lacks %q: %q", want, openText)
				}
			}
			if tt.below != "" && strings.Contains(openText, tt.below) {
				t.Errorf("the tree opens more than two levels: it shows %q", tt.below)
			}
			if strings.Contains(closedText, tt.see[1]) {
				t.Errorf("the closed tree still shows %q: %q", tt.see[1], closedText)
			}
			// A unit below the opened levels loads its sub-units when opened.
			if tt.deeper != "" {
				err = chromedp.Do(ctx,
					chromedp.Click(fmt.Sprintf(`//summary[a[text()=%q]]`, tt.deeper)),
					chromedp.WaitVisible(fmt.Sprintf(`//details[@open]/summary[a[text()=%q]]/following-sibling::ul/li`, tt.deeper)),
				)
				if err != nil {
					t.Fatalf("open %s: %v", tt.deeper, err)
				}
			}
			err = chromedp.Do(ctx,
				text("#tree", &treeText),
				shot("3-tree"),
				chromedp.Click(`#tree summary a`),
				chromedp.WaitVisible(`.facts`),
				text("body", &unitText),
				shot("4-unit"),
			)
			if err != nil {
				t.Fatalf("walk the tree: %v", err)
			}
			for _, want := range []string{"考核", "登录", "用户名"} {
				if !strings.Contains(signinText, want) {
					t.Errorf("sign-in page lacks %q: %q", want, signinText)
				}
			}
			for _, want := range []string{"考核", "首页", "辖区与单位", "管辖范围"} {
				if !strings.Contains(homeText, want) {
					t.Errorf("home page lacks %q", want)
				}
			}
			if tt.below != "" && !strings.Contains(treeText, tt.below) {
				t.Errorf("opening %s does not show %q: %q", tt.deeper, tt.below, treeText)
			}
			for _, no := range tt.hidden {
				if strings.Contains(openText, no) || strings.Contains(treeText, no) || strings.Contains(unitText, no) {
					t.Errorf("%s sees %q outside its jurisdiction", tt.login, no)
				}
			}
			if !strings.Contains(unitText, "下级单位") {
				t.Errorf("unit page lacks 下级单位: %q", unitText)
			}
			// Let late events arrive before judging the console.
			chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond))
			for _, e := range ce.take() {
				t.Errorf("browser console: %s", e)
			}
		})
	}
}
