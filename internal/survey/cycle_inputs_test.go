package survey_test

import (
	"context"
	"reflect"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/score"
	"kaohe/internal/survey"
)

// cycleInputs sets up a draft, an open and a closed evaluation of the
// county's team; the closed one has ballots of 上级 (enough to show) and
// 同级 (too few).
func cycleInputs(t *testing.T, f *fixture) (draft, open, closed *survey.Evaluation) {
	t.Helper()
	ctx := context.Background()
	groups := []survey.Group{{Code: survey.GroupSuperior, Weight: 0.6}, {Code: survey.GroupPeer, Weight: 0.4}}
	create := func() *survey.Evaluation {
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "测评", Period: "2025",
			Rules: survey.Rules{MinGroupSize: 3}, Groups: groups,
			Subjects: []survey.Subject{{Kind: survey.SubjectTeam, UnitID: f.county.ID},
				{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[0].ID},
				{Kind: survey.SubjectCadre, UnitID: f.county.ID, PersonID: f.cadres[1].ID, Questionnaire: "score"}}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	draft = create()
	open = mustEval(t)(f.s.Open(ctx, sys, create().ID))
	closed = mustEval(t)(f.s.Open(ctx, sys, create().ID))
	for k, grade := range []string{"优秀", "称职", "优秀"} {
		cast(t, f, closed, survey.GroupSuperior, map[int]string{0: "好", 1: grade}, map[int]float64{2: float64(80 + k)})
	}
	cast(t, f, closed, survey.GroupPeer, map[int]string{0: "一般", 1: "不称职"}, map[int]float64{2: 10})
	closed = mustEval(t)(f.s.Close(ctx, sys, closed.ID))
	return draft, open, closed
}

func mustEval(t *testing.T) func(e *survey.Evaluation, err error) *survey.Evaluation {
	return func(e *survey.Evaluation, err error) *survey.Evaluation {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
}

// TestRatingsInTx: the package function gives, inside the caller's
// transaction, the rows Service.Ratings gives the system actor.
func TestRatingsInTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		_, open, closed := cycleInputs(t, f)
		all := map[string]string{"team.overall": "TEAM", "cadre.overall": "VOTE", "score.score": "SCORE"}
		tests := []struct {
			name string
			id   int64
			refs map[string]string
			rows int       // want this many rows, when code is ""
			code errs.Code // want this error
			key  string    // with this key
		}{
			{"every item", closed.ID, all, 1 + 2 + 3, "", ""},
			{"one item", closed.ID, map[string]string{"cadre.overall": "VOTE"}, 2, "", ""},
			{"no refs", closed.ID, nil, 0, "", ""},
			{"open: results hidden", open.ID, all, 0, errs.Conflict, "survey.results_hidden"},
			{"no such evaluation", 12345, all, 0, errs.NotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []score.Rating
				err := d.View(ctx, func(tx *db.Tx) (err error) {
					got, err = survey.Ratings(ctx, tx, tt.id, tt.refs)
					return err
				})
				want, wantErr := f.s.Ratings(ctx, sys, tt.id, tt.refs)
				if tt.code != "" {
					wantCode(t, err, tt.code, tt.key)
					wantCode(t, wantErr, tt.code, tt.key)
					return
				}
				if err != nil || wantErr != nil {
					t.Fatalf("got %v, service %v", err, wantErr)
				}
				if len(got) != tt.rows || !reflect.DeepEqual(got, want) {
					t.Errorf("got %d rows %v\nservice gives %d rows %v", len(got), got, len(want), want)
				}
				for _, r := range got {
					if r.Group != string(survey.GroupSuperior) {
						t.Errorf("row of group %s below the minimum size: %+v", r.Group, r)
					}
				}
			})
		}
	})
}

func TestEvaluationOpen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		draft, open, closed := cycleInputs(t, f)
		tests := []struct {
			name string
			id   int64
			want bool
		}{
			{"draft", draft.ID, true},
			{"open", open.ID, true},
			{"closed", closed.ID, false},
			{"no such evaluation", 12345, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got bool
				err := d.View(ctx, func(tx *db.Tx) (err error) {
					got, err = survey.EvaluationOpen(ctx, tx, tt.id)
					return err
				})
				if err != nil || got != tt.want {
					t.Errorf("got %v, %v; want %v", got, err, tt.want)
				}
			})
		}
	})
}
