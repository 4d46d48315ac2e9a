// Package pdf prints HTML documents to PDF through Chromium's print path
// (DevTools Page.printToPDF): A4, the CJK fonts of the machine the browser
// runs on (Debian's fonts-noto-cjk), the document's own header and a page
// number footer. The browser is Debian's /usr/bin/chromium started on the
// first print, or one already running whose DevTools address is given.
package pdf

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// DefaultChromium is Debian's browser.
const DefaultChromium = "/usr/bin/chromium"

// Printer prints HTML to PDF. The zero value is not ready: use New.
type Printer struct {
	// remote is the DevTools address of a running browser; "" starts
	// exec (a browser binary) on the first print.
	remote, exec string
	mu           sync.Mutex
	browser      context.Context
	cancel       context.CancelFunc
}

// New returns a Printer on the browser at DevTools address remoteURL
// ("http://127.0.0.1:9222"), or when it is "" on the Chromium binary at
// execPath (DefaultChromium when "").
func New(remoteURL, execPath string) *Printer {
	if execPath == "" {
		execPath = DefaultChromium
	}
	return &Printer{remote: remoteURL, exec: execPath}
}

// Available reports whether the printer has a browser to print with.
func (p *Printer) Available() bool {
	if p == nil {
		return false
	}
	if p.remote != "" {
		return true
	}
	_, err := os.Stat(p.exec)
	return err == nil
}

// start connects to or starts the browser once.
func (p *Printer) start() (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil {
		return p.browser, nil
	}
	var alloc context.Context
	var cancel context.CancelFunc
	if p.remote != "" {
		alloc, cancel = remote.NewAllocator(context.Background(), p.remote)
	} else {
		dir, err := os.MkdirTemp("", "kaohe-pdf-")
		if err != nil {
			return nil, err
		}
		alloc, cancel = chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(p.exec), chromedp.UserDataDir(dir),
			chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	}
	b, cancelB := chromedp.NewContext(alloc)
	if err := chromedp.Do(b); err != nil {
		cancelB()
		cancel()
		return nil, fmt.Errorf("start Chromium: %w", err)
	}
	p.browser, p.cancel = b, func() { cancelB(); cancel() }
	return b, nil
}

// Close stops the browser the printer started (or disconnects); a later
// print starts it again.
func (p *Printer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
		p.browser, p.cancel = nil, nil
	}
}

// Print renders html, a whole self-contained document, in a new tab and
// prints it on A4 with footer as the footer template (the
// browser fills class pageNumber and totalPages).
func (p *Printer) Print(ctx context.Context, html, footer string) ([]byte, error) {
	b, err := p.start()
	if err != nil {
		return nil, err
	}
	tab, cancel := chromedp.NewContext(b)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	tab, cancelT := context.WithTimeout(tab, 30*time.Second)
	defer cancelT()
	var out []byte
	// A new tab shows about:blank: the document replaces it.
	err = chromedp.Do(tab,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html})
			return err
		}),
		// Fonts load asynchronously: print once they are ready.
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t)
			return err
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			var err error
			out, err = chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargins(0.9, 0.8, 0.9, 0.8),
				chromedp.PDFPrintBackground(), chromedp.PDFHeaderTemplate(`<span></span>`), chromedp.PDFFooterTemplate(footer))(ctx, t)
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	return out, nil
}
