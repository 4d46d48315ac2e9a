package track_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestArchiveOf reads 张三's commitments and ledger for her archive: one
// commitment approved, reported, proved and verified on four days in a
// row and one filed later and returned, beside her team's commitment and
// others' entries, which it leaves out. As of each day a commitment reads
// as it then stood, a verdict not before it was recorded, and the rate of
// the year with it; entries count by their day. Who reads her commitments
// and ledger reads them, who reads commitments only gets no ledger, and
// anyone else, or any reader of someone who does not exist, NotFound.
func TestArchiveOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		cadre, office := f.actors["cadre"], f.actors["office"]
		zhang, county := f.people["张三"].ID, f.units["910102"].ID
		day := func() { f.clock.Advance(24 * time.Hour) } // the clock starts at 17:30 on 2026-03-02 in Beijing
		must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		c := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.cadreDraft()))
		must[*track.Commitment](t)(f.svc.Approve(ctx, office, c.ID, ""))
		day()
		must[*track.Report](t)(f.svc.Progress(ctx, cadre, c.ID, "完成平台招标", "", nil))
		day()
		must[*track.Report](t)(f.svc.Prove(ctx, cadre, c.ID, "平台已上线运行", "", nil))
		day()
		must[*track.Commitment](t)(f.svc.Verify(ctx, f.actors["team"], c.ID, track.Done, "平台按期上线"))
		day()
		later := f.cadreDraft()
		later.Title = "推动县域医共体建设"
		c2 := must[*track.Commitment](t)(f.svc.File(ctx, cadre, later))
		day()
		must[*track.Commitment](t)(f.svc.Return(ctx, office, c2.ID, "请细化节点"))
		must[[]*track.Entry](t)(f.svc.AddEntries(ctx, office, []track.EntryDraft{
			{UnitID: county, PersonID: zhang, Day: "2025-03-01", Kind: "task", Title: "推动高标准农田土壤改良", Latent: true, RevisitOn: "2027-03-01"},
			{UnitID: county, PersonID: zhang, Day: "2025-06-01", Kind: "issue", Title: "化解企业欠薪信访积案"},
			{UnitID: county, Day: "2025-06-02", Kind: "task", Title: "召开重点项目推进调度会"},
			{UnitID: f.units["910103"].ID, PersonID: f.people["王五"].ID, Day: "2025-06-03", Kind: "task", Title: "开展营商环境问题大排查"},
		}))

		// states says each commitment as status/stage/verdict, then the rates.
		states := func(ar *track.Archive) string {
			var out []string
			for _, c := range ar.Commitments {
				out = append(out, fmt.Sprintf("%s/%s/%s", c.Status, c.Stage, c.Verdict))
			}
			for _, r := range ar.Rates {
				out = append(out, fmt.Sprintf("%d:%g", r.Year, r.Percent))
			}
			return strings.Join(out, " ")
		}
		for _, tc := range []struct {
			asOf, want string
			entries    int
		}{
			{"2026-03-01", "", 2},
			{"2026-03-02", "approved/none/", 2},
			{"2026-03-03", "approved/midyear/", 2},
			{"2026-03-04", "approved/proved/", 2},
			{"2026-03-05", "approved/verified/done 2025:100", 2},
			{"2026-03-06", "approved/verified/done submitted/none/ 2025:100", 2},
			{"2026-03-07", "approved/verified/done returned/none/ 2025:100", 2},
			{"", "approved/verified/done returned/none/ 2025:100", 2},
			{"2025-04-01", "", 1},
		} {
			ar := must[*track.Archive](t)(f.svc.ArchiveOf(ctx, cadre, zhang, tc.asOf))
			if got := states(ar); got != tc.want || len(ar.Entries) != tc.entries {
				t.Errorf("as of %q: got %q and %d entries, want %q and %d", tc.asOf, got, len(ar.Entries), tc.want, tc.entries)
			}
		}
		ar := must[*track.Archive](t)(f.svc.ArchiveOf(ctx, cadre, zhang, ""))
		if got := ar.Commitments[0]; got.Title != c.Title || len(got.Milestones) != 2 || got.VerdictReason != "平台按期上线" {
			t.Errorf("the first commitment: %q, %d milestones, reason %q", got.Title, len(got.Milestones), got.VerdictReason)
		}
		if e := ar.Entries[1]; e.Title != "推动高标准农田土壤改良" || !e.Latent || e.RevisitOn != "2027-03-01" {
			t.Errorf("the 潜绩 entry: %+v", e)
		}

		supervisor := &auth.Actor{UserID: 900, Login: "jiwei", Grants: []auth.Grant{{Role: auth.RoleSupervisor,
			UnitID: f.units["910100"].ID, UnitPath: f.units["910100"].Path}}}
		for _, tc := range []struct {
			name string
			a    *auth.Actor
			want string // answer, then the commitments and entries read
		}{
			{"office", office, "y 2 2"},
			{"county.office", f.actors["county.office"], "y 2 2"},
			{"team", f.actors["team"], "y 2 2"},
			{"viewer", f.actors["viewer"], "y 2 2"},
			{"supervisor", supervisor, "y 2 -"},
			{"yi.office", f.actors["yi.office"], "n"},
			{"provider", f.actors["provider"], "n"},
			{"wang", f.actors["wang"], "n"},
		} {
			ar, err := f.svc.ArchiveOf(ctx, tc.a, zhang, "")
			got := string(answer(err))
			if err == nil {
				ledger := "-"
				if ar.MayLedger {
					ledger = fmt.Sprint(len(ar.Entries))
				}
				got += fmt.Sprintf(" %d %s", len(ar.Commitments), ledger)
			}
			if got != tc.want {
				t.Errorf("%s reads %s, want %s", tc.name, got, tc.want)
			}
		}
		if _, err := f.svc.ArchiveOf(ctx, sys, db.NewID(), ""); answer(err) != 'n' {
			t.Errorf("no such cadre: got %v", err)
		}
		if _, err := f.svc.ArchiveOf(ctx, office, zhang, "3月3日"); problems(err) != "track.asof_invalid@0:asof" {
			t.Errorf("a bad day: got %s", problems(err))
		}
	})
}
