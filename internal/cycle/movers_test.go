package cycle_test

import (
	"context"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// TestMovers compares ranks and totals with the previous published cycle
// of the same scheme. Three counties, two cadres each (干部1, 2 in 县1 and
// 干部5, 6 in 县3 form G01; 干部3, 4 in 县2 form G02); the totals are the
// values (plainScheme), so the ranks are:
//
//	         2024 annual   2025Q1     2025Q2     2025 annual
//	干部1    60 → 1        10 → 4     70 → 1     62 → 1
//	干部2    50 → 2        20 → 3     15 → 4     51 → 2
//	干部5    20 → 3        50 → 2     45 → 2     25 → 3
//	干部6    10 → 4        60 → 1     30 → 3     10 → 4
//	干部3    40 → 1 (G02)  30 → 2     35 → 1     43 → 1
//	干部4    30 → 2 (G02)  40 → 1     20 → 2     30 → 2
//
// From 2025Q1 to 2025Q2 干部1 rises 3 places and 干部3 one; 干部6 falls 2,
// 干部4 and 干部2 one each, 干部4 first as its total fell more (20 against
// 5), and 干部5 keeps its rank with 5 points less. From 2024 to 2025 no
// rank moves: 干部5, 3, 1 and 2 gain 5, 3, 2 and 1 points, 干部4 and 6
// none. A monthly cycle of another scheme and an unpublished one between
// the quarters are not compared with.
func TestMovers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 3, 2, 2, 1)
		v := w.plainVersion(t)
		y24 := w.plainCycle(t, v, "y2024", cycle.Annual, "2024", "2024-12-31", []float64{60, 50, 40, 30, 20, 10}, cycle.Published)
		q1 := w.plainCycle(t, v, "q1", cycle.Ordinary, "2025Q1", "2025-03-31", []float64{10, 20, 30, 40, 50, 60}, cycle.Published)
		// Another scheme's monthly cycle, and an unpublished quarter-like
		// cycle, both after q1 and before q2.
		w.plainCycle(t, w.version, "m05", cycle.Ordinary, "2025-05", "2025-05-31", []float64{1, 2, 3, 4, 5, 6}, cycle.Published)
		w.plainCycle(t, v, "m06", cycle.Ordinary, "2025-06", "2025-06-15", []float64{6, 5, 4, 3, 2, 1}, cycle.Review)
		q2 := w.plainCycle(t, v, "q2", cycle.Ordinary, "2025Q2", "2025-06-30", []float64{70, 15, 35, 20, 45, 30}, cycle.Published)
		// The year 2025 is compared with 2024, not with its quarters.
		if _, err := d.SQL.Exec(`DELETE FROM data_values WHERE period = '2025'`); err != nil {
			t.Fatal(err)
		}
		y25 := w.plainCycle(t, v, "y2025", cycle.Annual, "2025", "2025-12-31", []float64{62, 51, 43, 30, 25, 10}, cycle.Published)

		viewer := w.actor(auth.RoleViewer, w.city, 0)
		type mv struct {
			person, rank, prev, size int
			total, prevTotal         float64
		}
		tests := []struct {
			name     string
			actor    *auth.Actor
			c        *cycle.Cycle
			n        int
			previous *cycle.Cycle
			up, down []mv
		}{
			{"quarter after quarter", viewer, q2, 5, q1,
				[]mv{{0, 1, 4, 4, 70, 10}, {2, 1, 2, 2, 35, 30}},
				[]mv{{5, 3, 1, 4, 30, 60}, {3, 2, 1, 2, 20, 40}, {1, 4, 3, 4, 15, 20}, {4, 2, 2, 4, 45, 50}}},
			{"the largest two", viewer, q2, 2, q1,
				[]mv{{0, 1, 4, 4, 70, 10}, {2, 1, 2, 2, 35, 30}},
				[]mv{{5, 3, 1, 4, 30, 60}, {3, 2, 1, 2, 20, 40}}},
			// The first quarter has no quarter before it: the year before.
			{"first quarter after the year", viewer, q1, 1, y24,
				[]mv{{5, 1, 4, 4, 60, 10}}, []mv{{0, 4, 1, 4, 10, 60}}},
			{"year after year", viewer, y25, 5, y24,
				[]mv{{4, 3, 3, 4, 25, 20}, {2, 1, 1, 2, 43, 40}, {0, 1, 1, 4, 62, 60}, {1, 2, 2, 4, 51, 50}}, nil},
			{"the first cycle", viewer, y24, 5, nil, nil, nil},
			{"viewer of 县2", w.actor(auth.RoleViewer, w.units[1], 0), q2, 5, q1,
				[]mv{{2, 1, 2, 2, 35, 30}}, []mv{{3, 2, 1, 2, 20, 40}}},
			{"干部1 itself", w.actor(auth.RoleCadre, w.units[0], w.people[0].id), q2, 5, q1,
				[]mv{{0, 1, 4, 4, 70, 10}}, nil},
		}
		check := func(t *testing.T, what string, got []cycle.Move, want []mv) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: got %d movers %+v, want %d", what, len(got), got, len(want))
			}
			for k, m := range want {
				g := got[k]
				if g.Entity.PersonID != w.people[m.person].id || g.Entity.Name != w.people[m.person].name {
					t.Errorf("%s %d: got %s, want %s", what, k, g.Entity.Name, w.people[m.person].name)
				}
				if g.Rank != m.rank || g.PrevRank != m.prev || g.GroupSize != m.size || g.PrevGroupSize != m.size ||
					math.Abs(g.Total-m.total) > 1e-9 || math.Abs(g.PrevTotal-m.prevTotal) > 1e-9 {
					t.Errorf("%s %d (%s): got rank %d of %d (was %d of %d), total %v (was %v); want %d (was %d) of %d, %v (was %v)",
						what, k, g.Entity.Name, g.Rank, g.GroupSize, g.PrevRank, g.PrevGroupSize, g.Total, g.PrevTotal,
						m.rank, m.prev, m.size, m.total, m.prevTotal)
				}
				if g.Places() != m.prev-m.rank || math.Abs(g.Gain()-(m.total-m.prevTotal)) > 1e-9 {
					t.Errorf("%s %d: places %d, gain %v; want %d, %v", what, k, g.Places(), g.Gain(), m.prev-m.rank, m.total-m.prevTotal)
				}
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ms, err := w.svc.Movers(ctx, tt.actor, tt.c.ID, tt.n)
				if err != nil {
					t.Fatal(err)
				}
				if (ms.Previous == nil) != (tt.previous == nil) || (ms.Previous != nil && ms.Previous.ID != tt.previous.ID) {
					t.Fatalf("previous: got %+v, want %+v", ms.Previous, tt.previous)
				}
				check(t, "up", ms.Up, tt.up)
				check(t, "down", ms.Down, tt.down)
			})
		}
		outsider := w.actor(auth.RoleViewer, unitRow{id: 1, path: "/1/"}, 0)
		if _, err := w.svc.Movers(ctx, outsider, q2.ID, 5); !errs.Is(err, errs.NotFound) {
			t.Fatalf("viewer outside the city: got %v, want not found", err)
		}
	})
}
