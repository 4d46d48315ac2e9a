package survey_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/score"
	"kaohe/internal/survey"
)

// cast submits one ballot per entry of overall (subject index → grade) and
// scores (subject index → score) with a fresh code of group; items other
// than the overall one get the scale's second grade.
func cast(t *testing.T, f *fixture, e *survey.Evaluation, group survey.GroupCode, overall map[int]string, scores map[int]float64) {
	t.Helper()
	ctx := context.Background()
	cs, err := f.s.IssueCodes(ctx, sys, e.ID, group, 1)
	if err != nil {
		t.Fatal(err)
	}
	var answers []survey.Answer
	for i := range e.Subjects {
		sub := &e.Subjects[i]
		for _, it := range sub.Q().Items {
			a := survey.Answer{Subject: sub.ID, Item: it.Code}
			switch {
			case it.Kind == survey.ItemScore:
				v := scores[i]
				a.Score = &v
			case it.Overall:
				a.Grade = overall[i]
			default:
				a.Grade = it.Scale.Grades[1].Label
			}
			answers = append(answers, a)
		}
	}
	if err := f.s.Submit(ctx, cs[0].Code, survey.Submission{Answers: answers}); err != nil {
		t.Fatal(err)
	}
}

// TestTallyHandComputed checks the tallies against numbers worked out by
// hand. Subjects: 0 the team (好/较好/一般/较差), 1 a cadre (优秀/称职/
// 基本称职/不称职), 2 a cadre scored 0–100. Groups 上级 0.5, 同级 0.3, 下级
// 0.2; minimum group size 3; trimming above 5 raters.
func TestTallyHandComputed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "测评", Period: "2025",
			Rules: survey.Rules{MinGroupSize: 3},
			Groups: []survey.Group{{Code: survey.GroupSuperior, Weight: 0.5}, {Code: survey.GroupPeer, Weight: 0.3},
				{Code: survey.GroupSubordinate, Weight: 0.2}},
			Subjects: []survey.Subject{{Kind: survey.SubjectTeam, UnitID: f.county.ID},
				{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[0].ID},
				{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[1].ID, Questionnaire: "score"}}})
		if err != nil {
			t.Fatal(err)
		}
		if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		// 上级, 3 ballots.
		for _, b := range []struct {
			team, cadre string
			score       float64
		}{{"好", "优秀", 90}, {"较好", "优秀", 80}, {"一般", "称职", 70}} {
			cast(t, f, e, survey.GroupSuperior, map[int]string{0: b.team, 1: b.cadre}, map[int]float64{2: b.score})
		}
		// 同级, 6 ballots.
		for _, b := range []struct {
			cadre string
			score float64
		}{{"优秀", 90}, {"称职", 80}, {"称职", 70}, {"称职", 60}, {"基本称职", 100}, {"不称职", 40}} {
			cast(t, f, e, survey.GroupPeer, map[int]string{0: "好", 1: b.cadre}, map[int]float64{2: b.score})
		}
		// 下级, 2 ballots: below the minimum of 3, never shown, never counted.
		for range 2 {
			cast(t, f, e, survey.GroupSubordinate, map[int]string{0: "较差", 1: "不称职"}, map[int]float64{2: 0})
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.Results(ctx, sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Groups[0].Shown || !r.Groups[1].Shown || r.Groups[2].Shown || r.Groups[2].Cast != 2 {
			t.Fatalf("groups: got %+v, want 上级 and 同级 shown, 下级 (2 ballots) hidden", r.Groups)
		}
		nan := math.NaN()
		tests := []struct {
			name                string
			subject, item       int
			superior, peer, all float64 // values
			favS, favP, favAll  float64 // favourable shares (NaN for scores)
		}{
			// Team: 上级 (100+80+60)/3 = 80, 同级 6×好 = 100;
			// combined (0.5·80 + 0.3·100)/0.8 = 87.5.
			// Favourable: 上级 2/3, 同级 1; (0.5·2/3 + 0.3·1)/0.8 = 0.7916…
			{"team", 0, 0, 80, 100, 87.5, 2.0 / 3, 1, (0.5*2.0/3 + 0.3) / 0.8},
			// Cadre: 上级 (100+100+80)/3 = 93.33…, 同级 (100+80+80+80+60+0)/6 =
			// 66.66…; combined (0.5·93.33 + 0.3·66.67)/0.8 = 83.33…
			// Favourable: 上级 3/3, 同级 4/6; (0.5 + 0.3·4/6)/0.8 = 0.875.
			{"cadre overall", 1, 0, 280.0 / 3, 400.0 / 6, 250.0 / 3, 1, 4.0 / 6, 0.875},
			// A sub-item, all 较好: 80 everywhere.
			{"cadre integrity", 1, 6, 80, 80, 80, 1, 1, 1},
			// Scores: 上级 (90+80+70)/3 = 80 (3 ≤ 5 raters: no trimming);
			// 同级 6 raters > 5: drop 100 and 40, (90+80+70+60)/4 = 75;
			// combined (0.5·80 + 0.3·75)/0.8 = 78.125.
			{"cadre score", 2, 0, 80, 75, 78.125, nan, nan, nan},
		}
		for _, tc := range tests {
			it := r.Subjects[tc.subject].Items[tc.item]
			got := []float64{it.Groups[0].Value, it.Groups[1].Value, it.Combined.Value,
				it.Groups[0].Favourable, it.Groups[1].Favourable, it.Combined.Favourable}
			want := []float64{tc.superior, tc.peer, tc.all, tc.favS, tc.favP, tc.favAll}
			for k := range got {
				if !(near(got[k], want[k]) || (math.IsNaN(got[k]) && math.IsNaN(want[k]))) {
					t.Errorf("%s: got %v, want %v", tc.name, got, want)
					break
				}
			}
		}
		if c := r.Subjects[1].Items[0].Combined; fmt.Sprint(c.Counts) != "[3 4 1 1]" || c.Votes != 9 {
			t.Errorf("cadre overall counts: got %v (%d votes), want [3 4 1 1] (9): 下级's votes must not appear", c.Counts, c.Votes)
		}

		// The engine's inputs: vote counts per entity, indicator, group and
		// grade, and one row per score; 下级 is left out.
		ind := map[string]string{"team.overall": "T", "cadre.overall": "C", "score.score": "S"}
		rs, err := f.s.Ratings(ctx, sys, e.ID, ind)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, x := range rs {
			if x.Group == "subordinate" {
				t.Errorf("rating of a hidden group: %+v", x)
			}
			if x.Indicator == "C" {
				lines = append(lines, fmt.Sprintf("%s %s×%d", x.Group, x.Grade, x.Count))
			}
		}
		if got, want := strings.Join(lines, ", "), "peer 不称职×1, peer 优秀×1, peer 基本称职×1, peer 称职×3, superior 优秀×2, superior 称职×1"; got != want {
			t.Errorf("cadre ratings: got %s, want %s", got, want)
		}
		if len(rs) != 6+9+4 {
			t.Errorf("ratings: got %d rows, want 19", len(rs))
		}
	})
}

// TestCycleScoreFollowsBallots scores two cadres with a small scheme whose
// qualitative indicator takes an evaluation's ratings, and checks that the
// totals move as the ballots say.
func TestCycleScoreFollowsBallots(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	f := newFixture(t, d, 2)
	zero, hundred := 0.0, 100.0
	run := func(g1, g2 string) *score.Output {
		t.Helper()
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "测评", Period: "2025",
			Rules:  survey.Rules{MinGroupSize: 5},
			Groups: []survey.Group{{Code: survey.GroupSuperior, Weight: 0.6}, {Code: survey.GroupPeer, Weight: 0.4}},
			Subjects: []survey.Subject{{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[0].ID},
				{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[1].ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			cast(t, f, e, survey.GroupSuperior, map[int]string{0: g1, 1: g2}, nil)
			cast(t, f, e, survey.GroupPeer, map[int]string{0: g1, 1: g2}, nil)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		rs, err := f.s.Ratings(ctx, sys, e.ID, map[string]string{"cadre.overall": "VOTE"})
		if err != nil {
			t.Fatal(err)
		}
		goal := score.Normalisation{Method: score.Goalposts, Low: &zero, High: &hundred}
		scheme := &score.Scheme{Code: "cadre", Indicators: []score.Indicator{
			{Code: "PERF", Kind: score.KindQuantitative, Weight: 0.5, Normalise: goal},
			{Code: "VOTE", Kind: score.KindQualitative, Weight: 0.5, Normalise: goal, Rating: score.RatingSpec{Source: score.FromVotes}},
		}, Rating: e.RatingPolicy()}
		if err := scheme.Validate(); err != nil {
			t.Fatal(err)
		}
		ents := []score.Entity{{ID: e.Subjects[0].Entity(), Group: "g"}, {ID: e.Subjects[1].Entity(), Group: "g"}}
		in, err := score.NewInput(scheme, ents)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range ents {
			in.Set(en.ID, "PERF", 70)
		}
		in.Ratings = rs
		out, err := score.Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// First: cadre 1 all 优秀 (100), cadre 2 all 称职 (80):
	// totals 0.5·70 + 0.5·100 = 85 and 0.5·70 + 0.5·80 = 75.
	out := run("优秀", "称职")
	if a, b := out.Entities[0], out.Entities[1]; !near(a.Total, 85) || !near(b.Total, 75) || a.Rank != 1 || b.Rank != 2 {
		t.Errorf("first: got %g (rank %d) and %g (rank %d), want 85 (1) and 75 (2)", a.Total, a.Rank, b.Total, b.Rank)
	}
	// Then the ballots turn: cadre 1 基本称职 (60), cadre 2 优秀 (100):
	// totals 65 and 85, ranks swap.
	out = run("基本称职", "优秀")
	if a, b := out.Entities[0], out.Entities[1]; !near(a.Total, 65) || !near(b.Total, 85) || a.Rank != 2 || b.Rank != 1 {
		t.Errorf("second: got %g (rank %d) and %g (rank %d), want 65 (2) and 85 (1)", a.Total, a.Rank, b.Total, b.Rank)
	}
}
