package survey_test

import (
	"context"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/survey"
)

// TestResultsFor checks the tallies a profile shows: only closed
// evaluations, only groups of the minimum size, the engine's numbers worked
// out by hand, and only to actors who may see them.
func TestResultsFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		mk := func() *survey.Evaluation {
			t.Helper()
			e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "测评", Period: "2025",
				Rules: survey.Rules{MinGroupSize: 3},
				Groups: []survey.Group{{Code: survey.GroupSuperior, Weight: 0.5}, {Code: survey.GroupPeer, Weight: 0.3},
					{Code: survey.GroupSubordinate, Weight: 0.2}},
				Subjects: []survey.Subject{{Kind: survey.SubjectTeam, UnitID: f.county.ID},
					{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[0].ID}}})
			if err != nil {
				t.Fatal(err)
			}
			if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
				t.Fatal(err)
			}
			return e
		}
		e := mk()
		for _, g := range []string{"优秀", "优秀", "称职"} {
			cast(t, f, e, survey.GroupSuperior, map[int]string{0: "好", 1: g}, nil)
		}
		for _, g := range []string{"优秀", "称职", "称职", "称职", "基本称职", "不称职"} {
			cast(t, f, e, survey.GroupPeer, map[int]string{0: "较好", 1: g}, nil)
		}
		for range 2 { // below the minimum of 3: never shown
			cast(t, f, e, survey.GroupSubordinate, map[int]string{0: "较差", 1: "不称职"}, nil)
		}
		me := f.cadres[0].ID
		// Hidden until closed.
		if got, err := f.s.ResultsFor(ctx, sys, survey.SubjectCadre, me); err != nil || len(got) != 0 {
			t.Fatalf("open evaluation: got %d tallies (%v), want none", len(got), err)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		mk() // another, still open: not shown

		got, err := f.s.ResultsFor(ctx, sys, survey.SubjectCadre, me)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Evaluation.ID != e.ID || got[0].Subject.Subject.PersonID != me {
			t.Fatalf("got %d tallies, want the closed evaluation's for the cadre", len(got))
		}
		st := got[0]
		if g := st.Groups; !g[0].Shown || g[0].Valid != 3 || !g[1].Shown || g[1].Valid != 6 || g[2].Shown {
			t.Fatalf("groups: got %+v, want 上级 3 and 同级 6 shown, 下级 hidden", g)
		}
		it := st.Subject.Items[0] // overall, 优秀 100 / 称职 80 / 基本称职 60 / 不称职 0
		if len(it.Groups) != 2 {
			t.Fatalf("got %d group cells, want 2: a hidden group has none", len(it.Groups))
		}
		// 上级: mean (100+100+80)/3 = 93.33…, 优秀+称职 3/3, 不称职 0/3.
		// 同级: mean (100+80+80+80+60+0)/6 = 66.66…, 优秀+称职 4/6, 不称职 1/6.
		// Combined over the shown groups' weights 0.5 and 0.3:
		// (0.5·93.33 + 0.3·66.67)/0.8 = 83.33…, (0.5·1 + 0.3·4/6)/0.8 = 0.875,
		// (0.5·0 + 0.3·1/6)/0.8 = 0.0625.
		cells := []survey.Cell{it.Groups[0], it.Groups[1], it.Combined}
		want := [][3]float64{{280.0 / 3, 1, 0}, {400.0 / 6, 4.0 / 6, 1.0 / 6}, {250.0 / 3, 0.875, 0.0625}}
		for k, c := range cells {
			if g := [3]float64{c.Value, c.Favourable, c.Unfavourable}; !near(g[0], want[k][0]) || !near(g[1], want[k][1]) || !near(g[2], want[k][2]) {
				t.Errorf("cell %d: got %v, want %v", k, g, want[k])
			}
		}
		if it.Combined.Votes != 9 {
			t.Errorf("combined votes: got %d, want 9 (下级's 2 left out)", it.Combined.Votes)
		}
		team, err := f.s.ResultsFor(ctx, sys, survey.SubjectTeam, f.county.ID)
		if err != nil || len(team) != 1 || team[0].Subject.Subject.Kind != survey.SubjectTeam {
			t.Fatalf("team: got %d tallies (%v), want 1", len(team), err)
		}
		// 好 ×3 = 100, 较好 ×6 = 80; (0.5·100 + 0.3·80)/0.8 = 92.5; no 较差 among the shown groups.
		if c := team[0].Subject.Items[0].Combined; !near(c.Value, 92.5) || !near(c.Unfavourable, 0) || math.IsNaN(c.Favourable) {
			t.Errorf("team combined: got %v %v %v, want 92.5, 1, 0", c.Value, c.Favourable, c.Unfavourable)
		}

		// Who sees what.
		grant := func(role auth.Role, u *org.Unit) []auth.Grant {
			return []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}
		}
		actors := []struct {
			name        string
			a           *auth.Actor
			cadre, team int
		}{
			{"office of the city", &auth.Actor{Grants: grant(auth.RoleOffice, f.city)}, 1, 1},
			{"viewer of the county", &auth.Actor{Grants: grant(auth.RoleViewer, f.county)}, 1, 1},
			{"office of the sibling county", &auth.Actor{Grants: grant(auth.RoleOffice, f.sibling)}, 0, 0},
			{"the cadre itself", &auth.Actor{PersonID: me, Grants: grant(auth.RoleCadre, f.county)}, 1, 0},
			{"a colleague", &auth.Actor{PersonID: f.cadres[1].ID, Grants: grant(auth.RoleCadre, f.county)}, 0, 0},
			{"a provider", &auth.Actor{Grants: grant(auth.RoleProvider, f.city)}, 0, 0},
		}
		for _, tc := range actors {
			c, err := f.s.ResultsFor(ctx, tc.a, survey.SubjectCadre, me)
			if err != nil || len(c) != tc.cadre {
				t.Errorf("%s, cadre: got %d (%v), want %d", tc.name, len(c), err, tc.cadre)
			}
			tm, err := f.s.ResultsFor(ctx, tc.a, survey.SubjectTeam, f.county.ID)
			if err != nil || len(tm) != tc.team {
				t.Errorf("%s, team: got %d (%v), want %d", tc.name, len(tm), err, tc.team)
			}
		}
		if _, err := f.s.ResultsFor(ctx, nil, survey.SubjectCadre, me); err == nil {
			t.Error("signed out: got no error")
		}
	})
}
