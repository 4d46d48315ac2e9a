package scheme_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

func auditActions(t *testing.T, d *db.DB, action string) (n int) {
	t.Helper()
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantError checks err's code, key and field.
func wantError(t *testing.T, err error, code errs.Code, key, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != code || (key != "" && e.Key != key) || (field != "" && e.Field != field) {
		t.Fatalf("got %v (%+v), want %s %s on %q", err, e, code, key, field)
	}
}

func TestSetWeights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		v := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: doc(), Reason: "初始版本"}))

		// Good: GDP and RD 50/50 by default, 30/70 in urban.
		got := must[*scheme.Version](t)(f.s.SetWeights(ctx, f.office, v.ID, []scheme.WeightSetting{
			{Indicator: "GDP", Weight: 50}, {Indicator: "RD", Weight: 50},
			{Indicator: "GDP", Category: "urban", Weight: 30}, {Indicator: "RD", Category: "urban", Weight: 70}}))
		gdp, rd := got.Doc.Indicators[1], got.Doc.Indicators[2]
		if gdp.Weight != 50 || rd.Weight != 50 || gdp.Weights["urban"] != 30 || rd.Weights["urban"] != 70 {
			t.Fatalf("weights: GDP %v %v, RD %v %v", gdp.Weight, gdp.Weights, rd.Weight, rd.Weights)
		}
		if got.Reason != "初始版本" || got.Digest == v.Digest {
			t.Errorf("version after the change: reason %q, digest unchanged %v", got.Reason, got.Digest == v.Digest)
		}
		if n := auditActions(t, d, "scheme.version.weights"); n != 1 {
			t.Errorf("audit events: %d, want 1", n)
		}
		// The same weights again change nothing and record nothing.
		same := must[*scheme.Version](t)(f.s.SetWeights(ctx, f.office, v.ID, []scheme.WeightSetting{{Indicator: "GDP", Weight: 50}}))
		if same.Digest != got.Digest || auditActions(t, d, "scheme.version.weights") != 1 {
			t.Errorf("an unchanged weight wrote or recorded something")
		}

		tests := []struct {
			name       string
			ws         []scheme.WeightSetting
			key, field string
		}{
			{"sum not 100", []scheme.WeightSetting{{Indicator: "GDP", Weight: 60}}, "scheme.weights_sum", "weight"},
			{"sum not 100 in a category", []scheme.WeightSetting{{Indicator: "GDP", Category: "urban", Weight: 40}},
				"scheme.weights_sum", "weights.urban"},
			{"negative", []scheme.WeightSetting{{Indicator: "GDP", Weight: -10}, {Indicator: "RD", Weight: 110}},
				"scheme.weight_invalid", "weights[0].weight"},
			{"not a number", []scheme.WeightSetting{{Indicator: "RD", Weight: math.NaN()}}, "scheme.weight_invalid", "weights[0].weight"},
			{"unknown indicator", []scheme.WeightSetting{{Indicator: "NOPE", Weight: 10}}, "scheme.weight_indicator_unknown", "weights[0].indicator"},
			{"not weighted", []scheme.WeightSetting{{Indicator: "SAFETY", Weight: 10}}, "scheme.weight_not_scored", "weights[0].indicator"},
			{"unknown category", []scheme.WeightSetting{{Indicator: "GDP", Category: "farm", Weight: 50}},
				"scheme.weight_category_unknown", "weights[0].category"},
			{"twice", []scheme.WeightSetting{{Indicator: "GDP", Weight: 50}, {Indicator: "GDP", Weight: 50}},
				"scheme.weight_duplicate", "weights[1].indicator"},
			{"none", nil, "scheme.weights_required", "weights"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.s.SetWeights(ctx, f.office, v.ID, tt.ws)
				wantError(t, err, errs.Invalid, tt.key, tt.field)
				now := must[*scheme.Version](t)(f.s.Version(ctx, f.office, v.ID))
				if now.Digest != got.Digest || auditActions(t, d, "scheme.version.weights") != 1 {
					t.Errorf("a refused change wrote something")
				}
			})
		}

		// Permissions, and versions that may not change.
		ok := []scheme.WeightSetting{{Indicator: "GDP", Weight: 40}, {Indicator: "RD", Weight: 60}}
		_, err := f.s.SetWeights(ctx, f.viewer, v.ID, ok)
		wantCode(t, err, errs.Forbidden)
		_, err = f.s.SetWeights(ctx, f.outsider, v.ID, ok)
		wantCode(t, err, errs.NotFound)
		locked := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: doc(), Reason: "周期使用"}))
		if err := d.InTx(ctx, func(tx *db.Tx) error { return scheme.LockVersion(ctx, tx, locked.ID) }); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SetWeights(ctx, f.office, locked.ID, ok)
		wantError(t, err, errs.Conflict, "scheme.version.locked", "")
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, v.ID))
		_, err = f.s.SetWeights(ctx, f.office, v.ID, ok)
		wantError(t, err, errs.Conflict, "scheme.version.not_draft", "")
	})
}

func TestSetAHP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		v := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: doc(), Reason: "初始版本"}))
		// D1's children 3:1 give GDP 75 % and RD 25 % of D1 in every category.
		got := must[*scheme.Version](t)(f.s.SetAHP(ctx, f.office, v.ID, "D1", [][]float64{{1, 3}, {1.0 / 3, 1}}))
		if d1 := got.Doc.Indicators[0]; d1.Weighting != score.WeightAHP || len(d1.AHP) != 2 {
			t.Fatalf("D1: %+v", d1)
		}
		nodes := must[[]scheme.Node](t)(scheme.Tree(got.Doc, []string{"urban", "eco"}))
		for _, n := range nodes {
			if n.Code == "GDP" && (math.Abs(n.Local["urban"]-0.75) > 1e-9 || math.Abs(n.Local[""]-0.75) > 1e-9) {
				t.Errorf("GDP local weights: %v", n.Local)
			}
		}
		// The top level: Saaty's consistent 3 × 3 matrix.
		got = must[*scheme.Version](t)(f.s.SetAHP(ctx, f.office, v.ID, "", [][]float64{{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}}))
		if got.Doc.Weighting != score.WeightAHP {
			t.Errorf("top level weighting: %q", got.Doc.Weighting)
		}
		if n := auditActions(t, d, "scheme.version.ahp"); n != 2 {
			t.Errorf("audit events: %d, want 2", n)
		}
		tests := []struct {
			name       string
			node       string
			m          [][]float64
			key, field string
		}{
			{"a leaf", "GDP", [][]float64{{1, 3}, {1.0 / 3, 1}}, "scheme.ahp.node_invalid", "node"},
			{"no such node", "NOPE", [][]float64{{1, 3}, {1.0 / 3, 1}}, "scheme.ahp.node_invalid", "node"},
			{"one scored child", "D2", [][]float64{{1}}, "scheme.ahp.node_invalid", "node"},
			{"wrong size", "D1", [][]float64{{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}}, "scheme.ahp.size_invalid", "matrix"},
			{"ragged", "D1", [][]float64{{1, 3}, {1}}, "scheme.ahp.size_invalid", "matrix"},
			{"not reciprocal", "D1", [][]float64{{1, 3}, {3, 1}}, "scheme.ahp.matrix_invalid", "matrix"},
			{"not positive", "D1", [][]float64{{1, -3}, {-1.0 / 3, 1}}, "scheme.ahp.matrix_invalid", "matrix"},
			{"inconsistent", "", [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}}, "scheme.ahp.inconsistent", "matrix"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.s.SetAHP(ctx, f.office, v.ID, tt.node, tt.m)
				wantError(t, err, errs.Invalid, tt.key, tt.field)
				now := must[*scheme.Version](t)(f.s.Version(ctx, f.office, v.ID))
				if now.Digest != got.Digest || auditActions(t, d, "scheme.version.ahp") != 2 {
					t.Errorf("a refused matrix wrote something")
				}
			})
		}
		_, err := f.s.SetAHP(ctx, f.teamAct, v.ID, "D1", [][]float64{{1, 2}, {0.5, 1}})
		wantCode(t, err, errs.Forbidden)
	})
}
