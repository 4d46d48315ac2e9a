package feedback_test

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/feedback"
)

// TestShortfallProblems: the demo's 2025 reports name, among their
// problems, each commitment of the team verified 未完成 or 基本完成 in
// 2025, with the verdict's reason — and no commitment of another team.
// The published snapshot they are drafted from carries the rater groups'
// values, none below the scheme's minimum group size of 3.
func TestShortfallProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["kaoheban"]
		type want struct {
			kind        feedback.PointKind
			title, note string
		}
		byUnit := map[int64][]want{}
		rows, err := d.SQL.QueryContext(ctx, `SELECT unit_id, title, verdict, verdict_reason FROM commitments
			WHERE year = 2025 AND person_id = 0 AND stage = 'verified' AND verdict IN ('missed', 'mostly') ORDER BY created_at, id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var unit int64
			var w want
			var verdict string
			if err := rows.Scan(&unit, &w.title, &verdict, &w.note); err != nil {
				t.Fatal(err)
			}
			w.kind = feedback.Undelivered
			if verdict == "mostly" {
				w.kind = feedback.PartlyDelivered
			}
			byUnit[unit] = append(byUnit[unit], w)
		}
		rows.Close()
		if len(byUnit) == 0 {
			t.Fatal("the demo has no team commitment of 2025 missed or mostly done")
		}
		list, _, err := f.svc.Reports(ctx, office, feedback.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		checked, without := 0, 0
		for _, s := range list {
			r, err := f.svc.Report(ctx, office, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Content.Period != "2025" || !r.Team() {
				continue
			}
			var got []want
			for _, p := range r.Content.Problems {
				if p.Kind == feedback.Undelivered || p.Kind == feedback.PartlyDelivered {
					got = append(got, want{p.Kind, p.Name, p.Note})
				}
			}
			exp := byUnit[r.UnitID]
			if len(got) != len(exp) {
				t.Errorf("%s: %d commitment problems %v, want %v", r.Name, len(got), got, exp)
				continue
			}
			for i := range exp {
				if got[i] != exp[i] {
					t.Errorf("%s: problem %d is %+v, want %+v", r.Name, i, got[i], exp[i])
				}
			}
			checked++
			if len(exp) == 0 {
				without++
			}
		}
		if checked == 0 || checked == without {
			t.Errorf("checked %d reports of 2025, %d without shortfalls", checked, without)
		}
		var details []string
		drows, err := d.SQL.QueryContext(ctx, `SELECT r.detail FROM snapshot_results r JOIN cycles c ON c.published_snapshot_id = r.snapshot_id
			WHERE c.code = 'qingzhou-county-2025'`)
		if err != nil {
			t.Fatal(err)
		}
		for drows.Next() {
			var s string
			drows.Scan(&s)
			details = append(details, s)
		}
		drows.Close()
		groups := 0
		for _, s := range details {
			var det cycle.Detail
			if err := json.Unmarshal([]byte(s), &det); err != nil {
				t.Fatal(err)
			}
			for _, g := range det.Raters {
				groups++
				if g.Raters < 3 {
					t.Errorf("a rater group of %g is shown: %+v", g.Raters, g)
				}
			}
		}
		if groups == 0 {
			t.Errorf("no rater group values in %d results", len(details))
		}
	})
}
