package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestBaseURL asks for the code sheet, codes.csv and a public survey's
// page with "Host: evil.example" and checks that every link — in the QR
// codes too — is built from the configured base URL.
func TestBaseURL(t *testing.T) {
	cases := []struct{ name, base, want string }{
		{"configured", "https://kaohe.example.gov.cn/", "https://kaohe.example.gov.cn"},
		{"default", "", DefaultBaseURL},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newEvalFixture(t, d)
		sys := auth.SystemActor("test")
		sat, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.units["330102"].ID, Kind: survey.KindSatisfaction,
			Title: "甲县群众满意度调查", Period: "2025", Groups: []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
			Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: f.units["330102"].ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if sat, err = f.s.Open(ctx, sys, sat.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				srv, err := New(Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: c.base})
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(srv.Handler())
				defer ts.Close()
				office := f.client(t)
				signin := url.Values{"login": {"office"}, "password": {password}}
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(signin.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				res, err := office.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				u, _ := url.Parse(ts.URL)
				cookies := office.Jar.Cookies(u)
				if res.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
					t.Fatalf("sign in: got %d, %d cookies", res.StatusCode, len(cookies))
				}
				get := func(path string) (*http.Response, string) {
					t.Helper()
					req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
					req.Host = "evil.example"
					for _, c := range cookies {
						req.AddCookie(c)
					}
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer res.Body.Close()
					b, _ := io.ReadAll(res.Body)
					return res, string(b)
				}
				open := "/evaluations/" + itoa(f.open.ID)
				qr, err := survey.QRSVG(survey.BallotURL(c.want, f.codes[0].Code))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range []struct{ path, want string }{
					{open + "/codes", c.want + "/b/" + f.codes[0].Code},
					{open + "/codes", qr},
					{open + "/codes.csv", c.want + "/b/" + f.codes[0].Code},
					{"/evaluations/" + itoa(sat.ID), c.want + "/s/" + sat.PublicToken},
				} {
					res, body := get(p.path)
					if res.StatusCode != http.StatusOK || !strings.Contains(body, p.want) || strings.Contains(body, "evil.example") {
						t.Errorf("GET %s with Host evil.example: got %d, want %.80s… and no evil.example:\n%.600s", p.path, res.StatusCode, p.want, body)
					}
				}
			})
		}
	})
}

func TestParseBaseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://kaohe.example.gov.cn", "https://kaohe.example.gov.cn"},
		{"https://kaohe.example.gov.cn/", "https://kaohe.example.gov.cn"},
		{"http://10.0.0.5:8080", "http://10.0.0.5:8080"},
		{"kaohe.example.gov.cn", ""},
		{"ftp://kaohe.example", ""},
		{"https://kaohe.example/sub", ""},
		{"https://kaohe.example/?q=1", ""},
		{"https://user@kaohe.example", ""},
		{"https://", ""},
	} {
		got, err := ParseBaseURL(c.in)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("ParseBaseURL(%q): got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
