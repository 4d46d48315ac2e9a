package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// BenchmarkHome times each demo account's home page — its workbench —
// through the whole server at the 100,000-cadre scale (demo --scale 200,
// SQLite): the office's cycles with their blockers and the collection
// requests counted over its region, a provider's items, the team's tasks,
// the cadre's results. Building the world takes about ten seconds.
func BenchmarkHome(b *testing.B) {
	d := dbtest.SQLite(b)
	d.Clock = func() time.Time { return time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) }
	sum, err := demo.Build(b.Context(), d, demo.Options{Seed: 1, Scale: 200})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, l := range sum.Logins {
		b.Run(l.Login, func(b *testing.B) {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(url.Values{"login": {l.Login}, "password": {l.Password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := c.Do(req)
			if err != nil || res.StatusCode != http.StatusSeeOther {
				b.Fatalf("sign in %s: %v %v", l.Login, err, res)
			}
			res.Body.Close()
			for b.Loop() {
				res, err := c.Get(ts.URL + "/")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("home of %s: %d", l.Login, res.StatusCode)
				}
			}
		})
	}
}
