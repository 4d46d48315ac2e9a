package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
)

// TestSanctionPeriodsConfigured: the effect periods the server is
// configured with (--sanction-periods) are those the office's form offers
// and a recorded sanction ends by; a period the platform refuses stops
// the server from starting.
func TestSanctionPeriodsConfigured(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		if _, err := New(Config{DB: d, Logger: quiet, SanctionPeriods: map[finding.SanctionKind]int{finding.KindInvestigation: 6}}); err == nil {
			t.Error("a server with a period for an investigation started")
		}
		srv, err := New(Config{DB: d, Logger: quiet, SanctionPeriods: map[finding.SanctionKind]int{finding.KindWarning: 3}})
		if err != nil {
			t.Fatal(err)
		}
		f.ts.Close()
		f.ts = httptest.NewServer(srv.Handler())
		t.Cleanup(f.ts.Close)
		office := f.signIn(t, "office")
		if _, body := f.get(t, office, "/sanctions"); !strings.Contains(body, "警告（影响期 3 个月）") || !strings.Contains(body, "记过（影响期 12 个月）") {
			t.Errorf("the form does not offer the configured 3 months of a 警告 beside the default 12 of a 记过")
		}
		form := url.Values{"person": {db.FormatID(f.inPerson.ID)}, "kind": {"warning"}, "decided_on": {"2025-12-01"},
			"reference": {"甲纪发〔2025〕12号"}, "body": {"甲市纪委监委"}}
		if res := f.post(t, office, "/sanctions", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d", res.StatusCode)
		}
		if _, body := f.get(t, office, "/sanctions"); !strings.Contains(body, "2026年2月28日") {
			t.Errorf("the 警告 of 2025-12-01 does not end on 2026-02-28, three months on")
		}
	})
}
