package cycle_test

import (
	"context"
	"slices"
	"testing"

	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/score"
)

// sanctionsDoc is rulesDoc with 优秀 from 70 and the default grade
// consequences of sanctions as the scheme's rules: a 诫勉, 组织处理 or 警告
// in effect in the period bars 优秀; 记过 or heavier in effect, or an open
// investigation, puts the cadre in 不定等次.
func sanctionsDoc() *score.Scheme {
	doc := rulesDoc()
	doc.Code = "sanctions"
	doc.Grading = score.Grading{
		Bands: []score.Band{{Grade: "优秀", Min: 70}, {Grade: "称职", Min: 0}},
		Blocks: []score.Block{{When: score.BlockVeto, Grades: []string{"优秀"}},
			{When: score.BlockFlag, Flag: "sanction_warning", Grades: []string{"优秀"}}},
		NoGradeFlags: []string{score.FlagInsufficientData, "sanction_grave", "under_investigation"},
	}
	return doc
}

// TestSanctionsBarGrades runs a 2025 cadre cycle through the real
// sources, with sanctions recorded in the finding package's tables. Cadre
// i has a total of 60 + 5i, so P2 to P5 would all be 优秀:
//
//	P0 60 记大过 2023 (18 months, ended 2024-06) → 称职, no flag
//	P1 65 警告 2025 → 称职 (称职 anyway), flagged
//	P2 70 警告 2024-01 (ended 2024-06-30), investigation closed → 优秀
//	P3 75 立案审查 open since 2025-11 → 不定等次 (deferred)
//	P4 80 警告 2025-05 → 优秀 barred → 称职
//	P5 85 记过 2024-06 (12 months, in effect to 2025-05-31) → 不定等次
func TestSanctionsBarGrades(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 2, 3, 1, 1)
		p := make([]int64, len(w.people))
		for i := range w.people {
			p[i] = w.people[i].id
		}
		var vid int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM data_values WHERE item_code = 'I01'`); err != nil {
				return err
			}
			now := tx.Now.UnixMicro()
			for i, id := range p {
				if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source,
					submitter_id, status, version, is_current, reason, flagged, created_at)
					VALUES ($1, 'person', $2, 'I01', '2025', $3, 'api', 0, 'verified', 1, TRUE, '', FALSE, $4)`,
					db.NewID(), id, 60+5*float64(i), now); err != nil {
					return err
				}
			}
			sanction := func(who int, kind, from, to, status, lifted string) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO sanctions (id, person_id, kind, decided_on, effective_from, effective_to,
					finding_id, reference, body, status, lifted_on, unit_path, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $4, $5, NULL, '甲纪发〔2025〕1号', '甲市纪委监委', $6, $7, '', $8, $8)`,
					db.NewID(), p[who], kind, from, to, status, lifted, now)
				return err
			}
			for _, err := range []error{
				sanction(0, "grave_demerit", "2023-01-01", "2024-06-30", "active", ""),
				sanction(1, "warning", "2025-03-01", "2025-08-31", "active", ""),
				sanction(2, "warning", "2024-01-01", "2024-06-30", "active", ""),
				sanction(2, "investigation", "2024-10-01", "", "lifted", "2025-02-01"),
				sanction(3, "investigation", "2025-11-01", "", "active", ""),
				sanction(4, "warning", "2025-05-10", "2025-11-09", "active", ""),
				sanction(5, "demerit", "2024-06-01", "2025-05-31", "active", ""),
			} {
				if err != nil {
					return err
				}
			}
			var err error
			vid, err = insertScheme(ctx, tx, w.city.id, "sanctions", "person", sanctionsDoc())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := w.cycle(t, "sanctions-2025", cycle.Annual, "2025", func(c *cycle.Cycle) { c.SchemeVersionID, c.Draws = vid, 0 })
		c = w.advance(t, c, cycle.Scoring)
		if _, err := w.svc.Run(ctx, sys, c.ID); err != nil {
			t.Fatal(err)
		}
		rk, err := w.svc.Ranking(ctx, sys, c.ID, cycle.RankFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*cycle.Result{}
		for _, r := range rk.Rows {
			got[r.Entity.ID] = r
		}
		for i, tt := range []struct {
			grade string
			flag  string // the sanction flag, "" for none
			other string // another flag expected, "" for none
		}{
			{"称职", "", ""},
			{"称职", "sanction_warning", ""},
			{"优秀", "", ""},
			{score.DefaultNoGrade, "under_investigation", score.FlagNoGrade},
			{"称职", "sanction_warning", score.FlagBarred},
			{score.DefaultNoGrade, "sanction_grave", score.FlagNoGrade},
		} {
			r := got[db.FormatID(p[i])]
			if r == nil {
				t.Fatalf("P%d: no result", i)
			}
			if r.Total != 60+5*float64(i) || r.Grade != tt.grade {
				t.Errorf("P%d: total %g grade %s, want %g %s", i, r.Total, r.Grade, 60+5*float64(i), tt.grade)
			}
			for _, f := range []string{"sanction_warning", "sanction_grave", "under_investigation"} {
				if slices.Contains(r.Flags, f) != (f == tt.flag) {
					t.Errorf("P%d: flags %q, want sanction flag %q", i, r.Flags, tt.flag)
				}
			}
			if tt.other != "" && !slices.Contains(r.Flags, tt.other) {
				t.Errorf("P%d: flags %q, want %s too", i, r.Flags, tt.other)
			}
		}
	})
}
