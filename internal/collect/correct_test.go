package collect_test

import (
	"context"
	"errors"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// TestCorrect corrects values as the assessment team does after a field
// verification, in the caller's transaction: a new version with the reason
// and source verification, submitted for review; a value equal to the
// current one confirms it; bad input, a missing value and an actor out of
// reach write nothing.
func TestCorrect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows(
			"910102 GDP 2024 100", "910102 GDP 2025 120", "910121 GDP 2025 80")}))
		team := &auth.Actor{UserID: 11, Login: "team", Grants: []auth.Grant{{Role: auth.RoleTeam, UnitID: f.countyA.ID, UnitPath: f.countyA.Path}}}
		correct := func(a *auth.Actor, c collect.Correction) (*collect.Corrected, error) {
			var out *collect.Corrected
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				out, err = f.s.Correct(ctx, tx, a, c)
				return err
			})
			return out, err
		}
		before := f.count(t)
		for _, tt := range []struct {
			name string
			a    *auth.Actor
			c    collect.Correction
			code errs.Code
			key  string
		}{
			{"not a number", team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "约130", Reason: "核实"}, errs.Invalid, "collect.value.not_number"},
			{"below the minimum", team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "-1", Reason: "核实"}, errs.Invalid, "collect.value.below_min"},
			{"no reason", team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "130"}, errs.Invalid, "collect.row.reason_required"},
			{"nothing to correct", team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2023", Value: "90", Reason: "核实"}, errs.Invalid, "collect.correct.no_value"},
			{"out of reach", team, collect.Correction{EntityID: f.countyB.ID, Item: "GDP", Period: "2025", Value: "81", Reason: "核实"}, errs.NotFound, errs.KeyNotFound},
			{"a provider elsewhere", f.statsUser, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "130", Reason: "核实"}, errs.NotFound, errs.KeyNotFound},
			{"the office", f.office, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "130", Reason: "核实"}, errs.Forbidden, auth.KeyForbidden},
		} {
			_, err := correct(tt.a, tt.c)
			var e *errs.Error
			if !errs.Is(err, tt.code) || !errors.As(err, &e) || e.Key != tt.key {
				t.Errorf("%s: got %v, want %s %s", tt.name, err, tt.code, tt.key)
			}
		}
		if n := f.count(t); n != before {
			t.Fatalf("refused corrections wrote %d values", n-before)
		}

		got, err := correct(team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "120", Reason: "现场核对统计台账一致"})
		if err != nil || got.Changed || got.Version != 1 || got.Value != 120 || f.count(t) != before {
			t.Fatalf("confirming: got %+v, %v; want unchanged version 1, nothing written", got, err)
		}
		got, err = correct(team, collect.Correction{EntityID: f.countyA.ID, Item: "GDP", Period: "2025", Value: "112.5亿元", Reason: "现场核查：重复计入一家企业产值"})
		if err != nil || !got.Changed || got.Previous != 120 || got.Value != 112.5 || got.Version != 2 {
			t.Fatalf("correcting: got %+v, %v; want 120 → 112.5 as version 2", got, err)
		}
		hist := must[[]*collect.Value](t)(f.s.History(ctx, f.office, f.countyA.ID, "GDP", "2025"))
		if len(hist) != 2 || !hist[0].Current || hist[0].Value != 112.5 || hist[0].Source != collect.SourceVerification ||
			hist[0].Status != collect.StatusSubmitted || hist[0].Reason != "现场核查：重复计入一家企业产值" || hist[0].SubmitterID != 11 || hist[1].Current {
			t.Fatalf("history after the correction: %+v", hist[0])
		}
		if n := auditCount(t, d, "value.correct"); n != 1 {
			t.Fatalf("value.correct events: %d, want 1", n)
		}
		// The office reviews it like any other correction.
		if _, err := f.s.Review(ctx, f.office, f.countyA.ID, "GDP", "2025", collect.StatusVerified, ""); err != nil {
			t.Fatal(err)
		}
	})
}
