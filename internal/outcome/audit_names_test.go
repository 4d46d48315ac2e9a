package outcome_test

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/outcome"
)

// TestAuditNames names proposals, entries and handovers for the audit
// log by their cadres, rules and posts.
func TestAuditNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.grades(t, "张三", 2023, "优秀", "优秀", "优秀")
		ps := must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, sys, f.units["910100"].ID))
		e := must[*outcome.Entry](t)(f.svc.Nominate(ctx, sys, outcome.Entry{PersonID: f.people["张三"].ID, Level: "division_deputy",
			Field: "economy", Reason: "推荐"}))
		h := must[*outcome.Handover](t)(f.svc.Hand(ctx, sys, outcome.Handover{UnitID: f.units["910102"].ID, Title: "县长",
			FromPersonID: f.people["张三"].ID, ToPersonID: f.people["李四"].ID, HandedOn: "2026-03-01"}))
		var pn, en, hn map[int64]outcome.AuditName
		err := d.View(ctx, func(tx *db.Tx) error {
			var err error
			if pn, err = outcome.ProposalNames(ctx, tx, []int64{ps[0].ID}); err != nil {
				return err
			}
			if en, err = outcome.EntryNames(ctx, tx, []int64{e.ID}); err != nil {
				return err
			}
			hn, err = outcome.HandoverNames(ctx, tx, []int64{h.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := pn[ps[0].ID].Name; got != "张三 · "+ps[0].RuleName {
			t.Errorf("proposal: %q", got)
		}
		if got := en[e.ID]; got.Name != "张三" || got.PersonID != f.people["张三"].ID {
			t.Errorf("entry: %+v", got)
		}
		if got := hn[h.ID].Name; got != "甲县县长 · 张三 → 李四" {
			t.Errorf("handover: %q", got)
		}
	})
}
