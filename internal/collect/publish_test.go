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
	"kaohe/internal/org"
)

// TestPublish publishes values as an owning system does: the system's item
// is created on first use, values start verified with the system as their
// source, an equal value is unchanged, a changed one is a new version with
// the reason, and a bad value or entity writes nothing and names the row.
// Nobody can submit as a system.
func TestPublish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		rate := &collect.Item{Code: "REVIEW_BAD_FIXED", Name: "差评整改率", Measure: "%", OwnerID: f.stats.ID, Frequency: collect.Annual,
			Type: collect.TypePercent, Min: ptr(0), Max: ptr(100), EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelCounty}
		cadre := &auth.Actor{UserID: 21, Login: "cadre", Grants: []auth.Grant{{Role: auth.RoleCadre, UnitID: f.countyA.ID, UnitPath: f.countyA.Path}}}
		publish := func(p collect.Publication) (*collect.Report, error) {
			var rep *collect.Report
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				rep, err = f.s.Publish(ctx, tx, cadre, p)
				return err
			})
			return rep, err
		}
		pub := func(v float64, reason string) collect.Publication {
			return collect.Publication{System: collect.SourceReview, Items: []*collect.Item{rate}, Reason: reason,
				Values: []collect.Published{{EntityID: f.countyA.ID, Item: rate.Code, Period: "2025", Value: v},
					{EntityID: f.countyB.ID, Item: rate.Code, Period: "2025", Value: 100}}}
		}
		before := f.count(t)
		for _, tt := range []struct {
			name string
			p    collect.Publication
			row  int
			key  string
		}{
			{"above the maximum", pub(120, ""), 1, "collect.value.above_max"},
			{"an unknown unit", collect.Publication{System: collect.SourceReview, Items: []*collect.Item{rate},
				Values: []collect.Published{{EntityID: 5, Item: rate.Code, Period: "2025", Value: 1}}}, 1, "collect.row.entity_unknown"},
			{"a bad period", collect.Publication{System: collect.SourceReview, Items: []*collect.Item{rate},
				Values: []collect.Published{{EntityID: f.countyA.ID, Item: rate.Code, Period: "2025Q1", Value: 1}}}, 1, "collect.row.period_invalid"},
		} {
			_, err := publish(tt.p)
			var l errs.List
			if !errors.As(err, &l) || len(l) != 1 || l[0].Key != tt.key || l[0].Row != tt.row {
				t.Errorf("%s: got %v, want %s on row %d", tt.name, err, tt.key, tt.row)
			}
		}
		if n := f.count(t); n != before {
			t.Fatalf("refused publications wrote %d values", n-before)
		}
		if _, err := publish(collect.Publication{System: collect.SourceForm, Values: pub(1, "").Values}); err == nil {
			t.Fatal("a form published as a system")
		}
		if _, err := f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceReview, Rows: rows("910102 GDP 2025 1")}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a provider submitting as the review system: %v", err)
		}

		rep, err := publish(pub(87.5, ""))
		if err != nil || rep.Inserted != 2 {
			t.Fatalf("first publication: %+v, %v; want 2 inserted", rep, err)
		}
		if it := must[*collect.Item](t)(f.s.Item(ctx, f.office, rate.Code)); it.Name != "差评整改率" || it.OwnerID != f.stats.ID {
			t.Fatalf("created item: %+v", it)
		}
		rep, err = publish(pub(87.5, "重新计算"))
		if err != nil || rep.Unchanged != 2 || rep.Corrected != 0 {
			t.Fatalf("the same values again: %+v, %v; want 2 unchanged", rep, err)
		}
		rep, err = publish(pub(90, "工单 W-12 办结后重新计算"))
		if err != nil || rep.Corrected != 1 || rep.Unchanged != 1 {
			t.Fatalf("a changed value: %+v, %v; want 1 corrected, 1 unchanged", rep, err)
		}
		hist := must[[]*collect.Value](t)(f.s.History(ctx, f.office, f.countyA.ID, rate.Code, "2025"))
		if len(hist) != 2 || !hist[0].Current || hist[0].Value != 90 || hist[0].Version != 2 || hist[0].Source != collect.SourceReview ||
			hist[0].Status != collect.StatusVerified || hist[0].Reason != "工单 W-12 办结后重新计算" || hist[1].Value != 87.5 {
			t.Fatalf("history: %+v", hist[0])
		}
		if n := auditCount(t, d, "value.publish"); n != 2 {
			t.Fatalf("value.publish events: %d, want 2: a publication that changes nothing records nothing", n)
		}
	})
}
