package demo_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/survey"
)

// TestDemoEvaluations checks the evaluations the demo holds: a closed one
// per county of 青州市 and one of its county teams by the city, with results
// from every rater group, and an open one with unused codes to try.
func TestDemoEvaluations(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1}); err != nil {
		t.Fatal(err)
	}
	s := survey.NewService(d, auth.Policy{})
	sys := auth.SystemActor("test")
	list, err := s.List(ctx, sys, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var counties int
	if err := d.SQL.QueryRow(`SELECT COUNT(*) FROM units WHERE level = 'county' AND kind = 'region'`).Scan(&counties); err != nil {
		t.Fatal(err)
	}
	var closed, surveys, open int
	for _, e := range list {
		switch e.Status {
		case survey.StatusClosed:
			if e.Kind == survey.KindSatisfaction {
				// A county's public satisfaction survey: the county, answered
				// by residents.
				surveys++
				r, err := s.Results(ctx, sys, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Subjects) != 1 || r.Subjects[0].Items[0].Combined.Votes < 30 {
					t.Errorf("%s: got %d subjects, want the county with at least 30 answers", e.Title, len(r.Subjects))
				}
				continue
			}
			closed++
			r, err := s.Results(ctx, sys, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range r.Groups {
				if !g.Shown {
					t.Errorf("%s: group %s not shown (%d valid ballots)", e.Title, g.Group.Code, g.Valid)
				}
			}
			if len(r.Subjects) < 2 || r.Subjects[1].Items[0].Combined.Votes < 30 {
				t.Errorf("%s: got %d subjects, want the team and its cadres with votes", e.Title, len(r.Subjects))
			}
		case survey.StatusOpen:
			open++
			codes, err := s.Codes(ctx, sys, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if e.Kind == survey.KindEvaluation && (len(codes) == 0 || codes[0].Used) {
				t.Errorf("%s: got %d codes, want unused codes to try", e.Title, len(codes))
			}
		}
	}
	if closed != counties+1 || surveys != counties || open != 2 {
		t.Errorf("got %d closed evaluations, %d closed surveys and %d open, want %d closed (one per county and the city's of the county teams), %d surveys (one per county) and 2 open",
			closed, surveys, open, counties+1, counties)
	}
}
