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

	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// BenchmarkAnalysisPages times the weak-link analysis pages and the data
// catalogue through the whole server on the demo (SQLite), as the city's
// office: the analysis reads the three published annual cycles of the
// city's ten county teams, the same at every demo scale.
func BenchmarkAnalysisPages(b *testing.B) {
	d := dbtest.SQLite(b)
	sum, err := demo.Build(b.Context(), d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var login, password string
	for _, l := range sum.Logins {
		if l.Login == "kaoheban" {
			login, password = l.Login, l.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(url.Values{"login": {login}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", err, res)
	}
	res.Body.Close()
	for _, page := range []string{"/analysis?category=agri", "/analysis/indicators/ECO_WATER?category=agri", "/analysis/policy?category=agri",
		"/analysis.xlsx?category=agri", "/catalogue"} {
		b.Run(strings.NewReplacer("/", "_", "?", "_").Replace(page), func(b *testing.B) {
			for b.Loop() {
				res, err := c.Get(ts.URL + page)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", page, res.StatusCode)
				}
			}
		})
	}
}
