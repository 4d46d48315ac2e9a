package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestLogsHoldNoSecrets visits ballot and survey paths every way that
// logs a line — a page, a ballot cast, a used code, a cross-origin
// refusal, a panic, unclean and upper-case paths — and scans everything
// the server logged for the codes and the survey token.
func TestLogsHoldNoSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newEvalFixture(t, d)
		sys := auth.SystemActor("test")
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.units["330102"].ID, Kind: survey.KindSatisfaction,
			Title: "甲县群众满意度调查", Period: "2025", Groups: []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
			Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: f.units["330102"].ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		token := e.PublicToken
		f.srv.mux.HandleFunc("GET /s/{token}/boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
		c := f.client(t)
		code := f.codes[0].Code
		form := ballotForm(f.open, "好", "优秀")
		cross := func(path string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://evil.example")
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-origin POST %s: got %d, want 403", path, res.StatusCode)
			}
		}
		steps := []struct {
			name string
			do   func()
		}{
			{"ballot page", func() { f.get(t, c, "/b/"+code) }},
			{"ballot cast", func() { postForm(t, f.fixture, c, "/b/"+code, form) }},
			{"used code", func() { postForm(t, f.fixture, c, "/b/"+code, form) }},
			{"cross-origin ballot", func() { cross("/b/" + f.codes[1].Code) }},
			{"unclean path", func() { f.get(t, c, "//b/"+f.codes[2].Code) }},
			{"upper case", func() { f.get(t, c, "/B/"+f.codes[3].Code) }},
			{"survey page", func() { f.get(t, c, "/s/"+token) }},
			{"cross-origin survey", func() { cross("/s/" + token) }},
			{"panic", func() { f.get(t, c, "/s/"+token+"/boom") }},
		}
		for _, s := range steps {
			s.do()
		}
		logs := f.logs.String()
		secrets := []string{token}
		for _, c := range f.codes {
			secrets = append(secrets, c.Code)
		}
		for _, s := range secrets {
			for _, form := range []string{s, strings.ToLower(s), strings.ToUpper(s)} {
				if strings.Contains(logs, form) {
					t.Errorf("the log holds the secret %q:\n%s", form, logs)
				}
			}
		}
		for _, want := range []string{"path=/b/…", "path=/s/…", "cross-origin request refused", "msg=panic"} {
			if !strings.Contains(logs, want) {
				t.Errorf("the log lacks %q:\n%s", want, logs)
			}
		}
	})
}
