package collect_test

import (
	"context"
	"testing"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestCycleInputs reads what a cycle reads of collect — the current values
// of a period, which codes are items and which are required, and how many
// entities have a value per item — on both engines, including the edge
// cases a cycle meets: no item codes at all (a scheme of only rated
// leaves), codes that are not items, and an empty entity set.
func TestCycleInputs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows(
			"910102 GDP 2025 120", "910121 GDP 2025 80", "910121 GDP 2024 70")}))
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows(
			"910102 GDP 2025 125 修正口径")}))

		tests := []struct {
			name          string
			items         []string
			known, needed []string
		}{
			{"no codes", nil, nil, nil},
			{"items and a leaf code", []string{"GDP", "PETITION", "CADRE_DE"}, []string{"GDP", "PETITION"}, []string{"GDP"}},
		}
		for _, tt := range tests {
			err := d.View(ctx, func(tx *db.Tx) error {
				known, required, err := collect.RequiredItems(ctx, tx, tt.items)
				if err != nil {
					return err
				}
				if len(known) != len(tt.known) {
					t.Errorf("%s: known %v, want %v", tt.name, known, tt.known)
				}
				for _, c := range tt.known {
					if !known[c] {
						t.Errorf("%s: %s not known", tt.name, c)
					}
				}
				n := 0
				for _, r := range required {
					if r {
						n++
					}
				}
				if n != len(tt.needed) {
					t.Errorf("%s: required %v, want %v", tt.name, required, tt.needed)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}

		err := d.View(ctx, func(tx *db.Tx) error {
			got := map[int64]float64{}
			if err := collect.CurrentValues(ctx, tx, "unit", "2025", []string{"GDP"}, func(_ string, id int64, v float64) { got[id] = v }); err != nil {
				return err
			}
			if len(got) != 2 || got[f.countyA.ID] != 125 || got[f.countyB.ID] != 80 {
				t.Errorf("current values %v, want %d→125 (corrected), %d→80", got, f.countyA.ID, f.countyB.ID)
			}
			filled, err := collect.FilledCounts(ctx, tx, "2025", map[int64]bool{f.countyA.ID: true})
			if err != nil {
				return err
			}
			if len(filled) != 1 || filled["GDP"] != 1 {
				t.Errorf("filled %v, want GDP: 1 (two versions of one entity count once)", filled)
			}
			none, err := collect.FilledCounts(ctx, tx, "2025", nil)
			if err != nil {
				return err
			}
			if len(none) != 0 {
				t.Errorf("filled with no entities %v, want none", none)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
