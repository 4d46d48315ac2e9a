package demo

import (
	"context"
	"kaohe/internal/sources"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestCycles checks the demo cycles: three annual and three quarterly
// cycles of the county teams, all published, so that a county's profile
// shows six points of history whose decomposition adds up.
func TestCycles(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	sys := auth.SystemActor("test")
	cs, err := svc.Cycles(ctx, sys, cycle.Filter{Stage: cycle.Published})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 7 {
		t.Fatalf("got %d published cycles, want 7", len(cs))
	}
	var latest *cycle.Cycle
	for _, c := range cs {
		if c.Period == "2026Q3" {
			latest = c
		}
	}
	if latest == nil || latest.Kind != cycle.Ordinary || latest.Entities < 5 {
		t.Fatalf("no 2026Q3 ordinary cycle of the counties: %+v", latest)
	}
	rk, err := svc.Ranking(ctx, sys, latest.ID, cycle.RankFilter{})
	if err != nil || len(rk.Rows) == 0 {
		t.Fatalf("ranking: %v", err)
	}
	p, err := svc.Profile(ctx, sys, latest.ID, rk.Rows[0].Entity.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.History) != 6 {
		t.Fatalf("profile history has %d points, want 6", len(p.History))
	}
	sum := 0.0
	for _, it := range p.Explanation.Items {
		sum += it.Contribution
	}
	if d := sum - p.Result.Total; d > 1e-9 || d < -1e-9 {
		t.Fatalf("decomposition sums to %v, total %v", sum, p.Result.Total)
	}
	if len(p.Dimensions) < 3 {
		t.Fatalf("radar has %d axes", len(p.Dimensions))
	}

	// The 2025 annual cycle takes 领导班子建设 from the city's evaluation
	// of the county teams: each team's value is the evaluation's combined
	// tally of the team's overall grade.
	var annual *cycle.Cycle
	for _, c := range cs {
		if c.Kind == cycle.Annual && c.Period == "2025" {
			annual = c
		}
	}
	if annual != nil {
		if annual, err = svc.Cycle(ctx, sys, annual.ID); err != nil {
			t.Fatal(err)
		}
	}
	if annual == nil || len(annual.EvaluationIDs) != 11 {
		t.Fatalf("the 2025 annual cycle takes not the team evaluation and 10 satisfaction surveys: %+v", annual)
	}
	res, err := survey.NewService(d, auth.Policy{}).Results(ctx, sys, annual.EvaluationIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Subjects) != annual.Entities {
		t.Fatalf("the evaluation rates %d teams, the cycle assesses %d", len(res.Subjects), annual.Entities)
	}
	for _, sr := range res.Subjects {
		p, err := svc.Profile(ctx, sys, annual.ID, sr.Subject.Entity())
		if err != nil {
			t.Fatal(err)
		}
		want := sr.Items[0].Combined.Value
		found, sat, judged := false, false, 0
		for _, it := range p.Explanation.Items {
			if it.Indicator == "PUBLIC_SAT" {
				sat = !math.IsNaN(float64(it.Raw)) && it.Raw > 0
			}
			if (it.Indicator == "PARTY_DUTY" || it.Indicator == "PARTY_CLEAN") && it.Raw >= 70 {
				judged++
			}
			if it.Indicator == "PARTY_TEAM" {
				found = true
				if got := float64(it.Raw); math.IsNaN(want) || math.Abs(got-want) > 1e-9 {
					t.Errorf("%s: 领导班子建设 got %v, want the tally %v", sr.Subject.Name, got, want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no 领导班子建设 in the decomposition", sr.Subject.Name)
		}
		if judged != 2 {
			t.Errorf("%s: 党建工作责任制落实 and 党风廉政建设 lack the assessment team's judgements", sr.Subject.Name)
		}
		if !sat {
			t.Errorf("%s: 群众满意度 has no value from the county's satisfaction survey", sr.Subject.Name)
		}
	}
}
