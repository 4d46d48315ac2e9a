package cycle_test

import (
	"context"
	"reflect"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// TestGradeCounts counts grades per group after calibration, over what
// each reader may read. Three counties, two cadres each: 县1 and 县3 are
// in G01, 县2 in G02. The totals are the values (plainScheme):
//
//	G01: 干部1 95 优秀, 干部2 80 良好, 干部5 92 优秀, 干部6 62 一般
//	G02: 干部3 70 一般, 干部4 50 较差
//
// then the office raises 干部2 to 优秀 and puts 干部4 in 不定等次.
func TestGradeCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 3, 2, 2, 1)
		v := w.plainVersion(t)
		c := w.plainCycle(t, v, "q2", cycle.Ordinary, "2025Q2", "2025-06-30", []float64{95, 80, 70, 50, 92, 62}, cycle.Review)
		office := w.actor(auth.RoleOffice, w.city, 0)
		viewer := w.actor(auth.RoleViewer, w.city, 0)
		if _, err := w.svc.GradeCounts(ctx, viewer, c.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("viewer before publication: got %v, want not found", err)
		}
		gc, err := w.svc.GradeCounts(ctx, office, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gc.Published {
			t.Error("the office's counts before publication say published")
		}
		bands := []string{"优秀", "良好", "一般", "较差"}
		want := []cycle.GroupGrades{{Group: "G01", N: 4, Counts: []int{2, 1, 1, 0}}, {Group: "G02", N: 2, Counts: []int{0, 0, 1, 1}}}
		if !reflect.DeepEqual(gc.Grades, bands) || !reflect.DeepEqual(gc.Groups, want) {
			t.Fatalf("engine's grades: got %v %+v, want %v %+v", gc.Grades, gc.Groups, bands, want)
		}

		c = w.advance(t, c, cycle.Published)
		for _, cal := range []struct {
			person int
			grade  string
		}{{1, "优秀"}, {3, "不定等次"}} {
			if _, err := w.svc.Calibrate(ctx, office, c.ID, idStr(w.people[cal.person].id), cal.grade, "复核"); err != nil {
				t.Fatal(err)
			}
		}
		all := []string{"优秀", "良好", "一般", "较差", "不定等次"}
		tests := []struct {
			name   string
			actor  *auth.Actor
			grades []string
			groups []cycle.GroupGrades
		}{
			{"city viewer", viewer, all, []cycle.GroupGrades{{Group: "G01", N: 4, Counts: []int{3, 0, 1, 0, 0}}, {Group: "G02", N: 2, Counts: []int{0, 0, 1, 0, 1}}}},
			{"viewer of 县2", w.actor(auth.RoleViewer, w.units[1], 0), all, []cycle.GroupGrades{{Group: "G02", N: 2, Counts: []int{0, 0, 1, 0, 1}}}},
			{"viewer of 县3", w.actor(auth.RoleViewer, w.units[2], 0), bands, []cycle.GroupGrades{{Group: "G01", N: 2, Counts: []int{1, 0, 1, 0}}}},
			{"干部2 itself", w.actor(auth.RoleCadre, w.units[0], w.people[1].id), bands, []cycle.GroupGrades{{Group: "G01", N: 1, Counts: []int{1, 0, 0, 0}}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				gc, err := w.svc.GradeCounts(ctx, tt.actor, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !gc.Published || !reflect.DeepEqual(gc.Grades, tt.grades) || !reflect.DeepEqual(gc.Groups, tt.groups) {
					t.Fatalf("got %v %+v, want %v %+v", gc.Grades, gc.Groups, tt.grades, tt.groups)
				}
				// Each count is the length of the ranking it links to.
				for _, g := range gc.Groups {
					for k, grade := range gc.Grades {
						rk, err := w.svc.Ranking(ctx, tt.actor, c.ID, cycle.RankFilter{Group: g.Group, Grade: grade})
						if err != nil {
							t.Fatal(err)
						}
						if rk.Total != g.Counts[k] {
							t.Errorf("%s %s: ranking has %d, counted %d", g.Group, grade, rk.Total, g.Counts[k])
						}
					}
				}
			})
		}
		outsider := w.actor(auth.RoleViewer, unitRow{id: 1, path: "/1/"}, 0)
		if _, err := w.svc.GradeCounts(ctx, outsider, c.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("viewer outside the city: got %v, want not found", err)
		}
	})
}
