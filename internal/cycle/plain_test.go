package cycle_test

import (
	"context"
	"testing"

	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// plainScheme is a cadre scheme whose total is the value of I01 (goalposts
// 0–100 under one dimension), graded 优秀 ≥ 90, 良好 ≥ 75, 一般 ≥ 60,
// 较差, with no quota: every total, rank and grade of its cycles can be
// worked out by hand.
func plainScheme() *score.Scheme {
	low, high := 0.0, 100.0
	return &score.Scheme{Code: "plain", Name: "plain", Indicators: []score.Indicator{
		{Code: "D1", Name: "工作实绩", Kind: score.KindDimension, Weight: 1},
		{Code: "I01", Name: "指标1", Parent: "D1", Kind: score.KindQuantitative, Weight: 1,
			Normalise: score.Normalisation{Method: score.Goalposts, Low: &low, High: &high}},
	}, Grading: score.Grading{Bands: []score.Band{{Grade: "优秀", Min: 90}, {Grade: "良好", Min: 75}, {Grade: "一般", Min: 60}, {Grade: "较差", Min: 0}}}}
}

// plainVersion stores plainScheme as a scheme version of the city.
func (w *world) plainVersion(t *testing.T) int64 {
	t.Helper()
	var id int64
	err := w.d.InTx(context.Background(), func(tx *db.Tx) (err error) {
		id, err = insertScheme(context.Background(), tx, w.city.id, "plain", "person", plainScheme())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// plainCycle makes a cadre cycle of everyone scored with version on the
// values of I01 for period (one per person, in w.people order), without
// draws, and moves it to stage to.
func (w *world) plainCycle(t *testing.T, version int64, code string, kind cycle.Kind, period, endsOn string, values []float64, to cycle.Stage) *cycle.Cycle {
	t.Helper()
	ctx := context.Background()
	err := w.d.InTx(ctx, func(tx *db.Tx) error {
		now := tx.Now.UnixMicro()
		return bulk(ctx, tx, "data_values", []string{"id", "entity_kind", "entity_id", "item_code", "period", "value", "source",
			"submitter_id", "status", "version", "is_current", "reason", "flagged", "created_at"}, len(values), func(i int) []any {
			return []any{db.NewID(), "person", w.people[i].id, "I01", period, values[i], "api", 0, "verified", 1, true, "", false, now}
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := w.cycle(t, code, kind, period, func(c *cycle.Cycle) {
		c.SchemeVersionID, c.EndsOn, c.Draws = version, endsOn, -1
	})
	return w.advance(t, c, to)
}
