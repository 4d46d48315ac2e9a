package track_test

import (
	"bytes"
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestLedger keeps 甲县's work ledger: entries of the unit and its county
// head, one 潜绩 revisited later and one tied to a commitment; a workbook
// exported is imported again; bad rows are refused by row and field and
// write nothing; only the county's cadres and offices write, and each
// reads its scope.
func TestLedger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		cadre := f.actors["cadre"]
		county := f.units["910102"].ID
		c := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		es := must[[]*track.Entry](t)(f.svc.AddEntries(ctx, cadre, []track.EntryDraft{
			{UnitID: county, Day: "2025-03-02", Kind: "project", Title: "新能源装备产业园一期开工", Investment: "52,000", Milestone: "土建开工",
				CommitmentID: c.ID},
			{UnitID: county, PersonID: f.people["张三"].ID, Day: "2025-04-10", Kind: "task", Title: "推动高标准农田土壤改良",
				Latent: true, RevisitOn: "2027-04-10"},
		}))
		if len(es) != 2 || es[0].Commitment != c.Title {
			t.Fatalf("added: %+v", es)
		}
		latent := must[[]*track.Entry](t)(f.svc.Ledger(ctx, f.actors["office"], track.LedgerFilter{Latent: true, Due: "2027-12-31"}))
		if len(latent) != 1 || latent[0].Person != "张三" {
			t.Errorf("latent entries due by 2027: %+v", latent)
		}
		for login, n := range map[string]int{"office": 2, "viewer": 2, "team": 2, "yi.office": 0, "provider": 0, "wang": 0} {
			if got := must[[]*track.Entry](t)(f.svc.Ledger(ctx, f.actors[login], track.LedgerFilter{})); len(got) != n {
				t.Errorf("%s reads %d entries, want %d", login, len(got), n)
			}
		}
		var buf bytes.Buffer
		if err := f.svc.WriteLedger(ctx, cadre, track.LedgerFilter{UnitID: county}, &buf); err != nil {
			t.Fatal(err)
		}
		again := must[[]*track.Entry](t)(f.svc.ImportLedger(ctx, f.actors["county.office"], county, buf.Bytes(), map[string]int64{"张三": f.people["张三"].ID}))
		if len(again) != 2 || *again[1].Investment != 52000 && *again[0].Investment != 52000 {
			t.Errorf("imported again: %+v", again)
		}
		before := f.written(t)
		for _, tc := range []struct {
			name string
			d    track.EntryDraft
			want string
		}{
			{"no day", track.EntryDraft{Row: 3, UnitID: county, Kind: "task", Title: "x"}, "track.ledger.day_invalid@3:day"},
			{"a kind unknown", track.EntryDraft{Row: 4, UnitID: county, Day: "2025-01-01", Kind: "party", Title: "x"}, "track.ledger.kind_invalid@4:kind"},
			{"a 潜绩 without revisit", track.EntryDraft{Row: 5, UnitID: county, Day: "2025-01-01", Kind: "task", Title: "x", Latent: true}, "track.ledger.revisit_required@5:revisit_on"},
			{"a revisit before", track.EntryDraft{Row: 6, UnitID: county, Day: "2025-01-01", Kind: "task", Title: "x", RevisitOn: "2024-01-01"}, "track.ledger.revisit_before@6:revisit_on"},
			{"a bad amount", track.EntryDraft{Row: 7, UnitID: county, Day: "2025-01-01", Kind: "project", Title: "x", Investment: "很多"}, "track.ledger.investment_invalid@7:investment"},
			{"another unit's commitment", track.EntryDraft{Row: 8, UnitID: f.units["910103"].ID, Day: "2025-01-01", Kind: "task", Title: "x", CommitmentID: c.ID}, "track.ledger.commitment_other@8:commitment"},
		} {
			if _, err := f.svc.AddEntries(ctx, f.actors["office"], []track.EntryDraft{tc.d}); problems(err) != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, problems(err), tc.want)
			}
		}
		for _, login := range []string{"provider", "yi.office", "wang", "team", "viewer"} {
			if _, err := f.svc.AddEntries(ctx, f.actors[login], []track.EntryDraft{{UnitID: county, Day: "2025-01-01", Kind: "task", Title: "x"}}); err == nil {
				t.Errorf("%s wrote 甲县's ledger", login)
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused entries wrote %d rows", n-before)
		}
	})
}

// TestSelfAssessment: the cadre writes her own 述职/自评, the office and the
// team read it; another city's office, another cadre and a leader do not,
// as if there were none.
func TestSelfAssessment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		zhang := f.people["张三"].ID
		must[*track.SelfAssessment](t)(f.svc.SaveSelfAssessment(ctx, f.actors["cadre"], 2025, "一年来，坚持以经济建设为中心……"))
		must[*track.SelfAssessment](t)(f.svc.SaveSelfAssessment(ctx, f.actors["cadre"], 2025, "述职报告（修改稿）"))
		for login, want := range map[string]byte{"cadre": 'y', "office": 'y', "team": 'y', "yi.office": 'n', "wang": 'n', "viewer": 'n'} {
			sa, err := f.svc.SelfAssessmentOf(ctx, f.actors[login], zhang, 2025)
			if got := answer(err); got != want || got == 'y' && sa.Body != "述职报告（修改稿）" {
				t.Errorf("%s reads: got %c (%v), want %c", login, got, err, want)
			}
		}
		if _, err := f.svc.SaveSelfAssessment(ctx, f.actors["office"], 2025, "代写"); answer(err) != 'f' {
			t.Errorf("the office writes one: got %v", err)
		}
		if _, err := f.svc.SaveSelfAssessment(ctx, f.actors["cadre"], 2025, ""); problems(err) != "track.self_assessment_required@0:body" {
			t.Errorf("an empty one: got %s", problems(err))
		}
	})
}
