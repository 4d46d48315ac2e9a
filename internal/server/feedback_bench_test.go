package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// BenchmarkFeedbackPDF times one report's PDF through the whole server
// and Chromium's print path (KAOHE_TEST_CHROMIUM): budget 3 s.
func BenchmarkFeedbackPDF(b *testing.B) {
	ctx := context.Background()
	d := dbtest.SQLite(b)
	sum, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{db: d}
	f.startFeedback(b)
	var id int64
	if err := d.SQL.QueryRow(`SELECT r.id FROM feedback_reports r JOIN cycles c ON c.published_snapshot_id = r.snapshot_id
		WHERE r.name = '清河区' AND c.code = 'qingzhou-county-2025'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	pw := ""
	for _, l := range sum.Logins {
		if l.Login == "kaoheban" {
			pw = l.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/signin", strings.NewReader(url.Values{"login": {"kaoheban"}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.ts.URL)
	if res, err := c.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", res, err)
	}
	get := func() {
		res, err := c.Get(fmt.Sprintf("%s/feedback/%d/report.pdf", f.ts.URL, id))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("got %d", res.StatusCode)
		}
	}
	get() // connects the printer to the browser
	b.ResetTimer()
	for b.Loop() {
		get()
	}
}
