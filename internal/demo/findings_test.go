package demo

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// TestFindings checks the demo's findings as their readers see them: each
// body its own and those transferred to it, the city office all of them
// with their transfer status, and the cadre sign-in
// (清河区区长) her one notified minor finding, not the one still to be
// notified.
func TestFindings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sum, err := Build(ctx, d, Options{Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		svc := finding.NewService(d, auth.Policy{})
		users := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
		as := func(login string) *auth.Actor {
			u, err := users.UserByLogin(ctx, auth.SystemActor("test"), login)
			if err != nil {
				t.Fatal(err)
			}
			return u.Actor()
		}
		list := func(login string) *finding.List {
			l, err := svc.List(ctx, as(login), finding.Filter{Limit: 100})
			if err != nil {
				t.Fatalf("%s: %v", login, err)
			}
			return l
		}
		all := list("kaoheban")
		if all.Total != len(demoFindings) {
			t.Errorf("the office reads %d findings, want %d", all.Total, len(demoFindings))
		}
		sources := map[finding.Source]bool{}
		years := map[string]bool{}
		for _, f := range all.Findings {
			sources[f.Source] = true
			years[f.FoundOn[:4]] = true
		}
		if len(sources) != len(finding.Sources) || !years["2025"] || !years["2026"] {
			t.Errorf("sources %v, years %v: want every source, 2025 and 2026", sources, years)
		}
		for login, body := range map[string]string{"jiwei": "青州市纪委监委", "shenji": "青州市审计局"} {
			l := list(login)
			if l.Total == 0 {
				t.Errorf("%s reads no findings", login)
			}
			for _, f := range l.Findings {
				if f.Body != body && f.TransferTo != body {
					t.Errorf("%s reads a finding of %s", login, f.Body)
				}
			}
		}
		// The 审计局 transferred two clues to the 纪委监委: one concluded, one
		// awaiting its receipt.
		if got, err := svc.Awaiting(ctx, as("jiwei")); err != nil || got[finding.TransferSent] != 1 || got[finding.TransferHandled] != 1 {
			t.Errorf("transfers to jiwei: %v (%v)", got, err)
		}
		for st, want := range map[finding.TransferStatus]int{finding.TransferHandled: 1, finding.TransferSent: 1} {
			if l, err := svc.List(ctx, as("kaoheban"), finding.Filter{Transfer: st}); err != nil || l.Total != want {
				t.Errorf("the office's findings transferred %s: %v (%v)", st, l, err)
			}
		}
		var cadre Login
		for _, l := range sum.Logins {
			if l.Role == auth.RoleCadre {
				cadre = l
			}
		}
		mine := list(cadre.Login)
		if mine.Total != 1 || mine.Findings[0].Severity != finding.SeverityMinor || !mine.Findings[0].Notified() ||
			len(mine.Findings[0].People) != 1 || mine.Findings[0].People[0].ID != cadre.PersonID {
			t.Fatalf("the cadre's findings: %+v", mine.Findings)
		}
		named := 0
		for _, f := range all.Findings {
			for _, p := range f.People {
				if p.ID == cadre.PersonID {
					named++
				}
			}
		}
		if named != 2 {
			t.Errorf("findings naming the cadre: %d, want 2 (one not notified)", named)
		}
	})
}
