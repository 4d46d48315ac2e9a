package collect_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

func TestTasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm,
			Rows: rows("910102 GDP 2024 100", "910121 GDP 2024 50", "910102 GDP 2025 105", "910121 GDP 2025 200")}))
		must[*collect.Report](t)(f.s.Submit(ctx, f.ecoUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910121 FOREST 2025 70")}))
		// dbtest's clock stands at 2026-03-02: FOREST is overdue, GDP due
		// in three days; PETITION has no deadline, so it is nobody's task.
		for _, dl := range []struct{ item, period, due string }{{"FOREST", "2025", "2026-02-28"}, {"GDP", "2025", "2026-03-05"}, {"GDP", "2024", "2025-02-28"}} {
			if err := f.s.SetDeadline(ctx, f.office, dl.item, dl.period, dl.due); err != nil {
				t.Fatal(err)
			}
		}
		must[*collect.Value](t)(f.s.Review(ctx, f.office, f.countyA.ID, "GDP", "2025", collect.StatusReturned, "与统计年鉴不符"))
		countyOffice := &auth.Actor{UserID: 8, Login: "county", Name: "云溪县委组织部",
			Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: f.countyB.ID, UnitPath: f.countyB.Path}}}
		// Two grants, one inside the other: the region is counted once.
		twice := &auth.Actor{UserID: 9, Login: "twice", Name: "青州市委组织部",
			Grants: append(append([]auth.Grant{}, f.office.Grants...), countyOffice.Grants...)}
		cadre := &auth.Actor{UserID: 10, Login: "cadre", Name: "王建国", PersonID: f.person.ID,
			Grants: []auth.Grant{{Role: auth.RoleCadre, UnitID: f.countyA.ID, UnitPath: f.countyA.Path}}}
		// task renders a task as item/period due:submitted/expected, then
		// r<returned> u<unreviewed>, ! when overdue, @region.
		task := func(k *collect.Task) string {
			s := fmt.Sprintf("%s/%s %s:%d/%d r%d u%d", k.Item.Code, k.Period, k.Due, k.Submitted, k.Expected, k.Returned, k.Unreviewed)
			if k.Overdue {
				s += " !"
			}
			if k.RegionID != 0 {
				s += fmt.Sprintf(" @%d", k.RegionID)
			}
			return s
		}
		list := func(ks []*collect.Task) string {
			var out []string
			for _, k := range ks {
				out = append(out, task(k))
			}
			return strings.Join(out, "; ")
		}
		city, countyB := fmt.Sprint(f.city.ID), fmt.Sprint(f.countyB.ID)
		for _, tc := range []struct {
			name          string
			a             *auth.Actor
			submit, watch string
		}{
			// The 统计局 has one value returned to it; both are in.
			{"stats provider", f.statsUser, "GDP/2025 2026-03-05:2/2 r1 u1", ""},
			// The 生态环境局 has 清河区's FOREST value missing, overdue.
			{"eco provider", f.ecoUser, "FOREST/2025 2026-02-28:1/2 r0 u0 !", ""},
			// The city office follows the missing FOREST value and the
			// flagged GDP value of 云溪县 (50 → 200) nobody has reviewed.
			{"city office", f.office, "", "FOREST/2025 2026-02-28:1/2 r0 u0 ! @" + city + "; GDP/2025 2026-03-05:2/2 r1 u1 @" + city},
			{"office holding the city and a county", twice, "", "FOREST/2025 2026-02-28:1/2 r0 u0 ! @" + city + "; GDP/2025 2026-03-05:2/2 r1 u1 @" + city},
			// 云溪县's office sees only its county: FOREST is in, GDP flagged.
			{"county office", countyOffice, "", "GDP/2025 2026-03-05:1/1 r0 u1 @" + countyB},
			{"cadre", cadre, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ts := must[*collect.Tasks](t)(f.s.Tasks(ctx, tc.a))
				if ts.Today != "2026-03-02" {
					t.Errorf("today %s, want 2026-03-02", ts.Today)
				}
				if got := list(ts.Submit); got != tc.submit {
					t.Errorf("submit:\n got %s\nwant %s", got, tc.submit)
				}
				if got := list(ts.Watch); got != tc.watch {
					t.Errorf("watch:\n got %s\nwant %s", got, tc.watch)
				}
			})
		}
		if _, err := f.s.Tasks(ctx, nil); err == nil {
			t.Error("tasks of nobody signed in")
		}
	})
}

func TestTaskDueWithin(t *testing.T) {
	for _, tc := range []struct {
		due                 string
		expected, submitted int
		want                bool
	}{
		{"2026-03-02", 2, 1, true},  // due today
		{"2026-03-09", 2, 1, true},  // in seven days
		{"2026-03-10", 2, 1, false}, // in eight
		{"2026-03-01", 2, 1, false}, // overdue, not due
		{"2026-03-05", 2, 2, false}, // all in
		{"", 2, 0, false},           // no deadline
	} {
		k := &collect.Task{ItemStatus: &collect.ItemStatus{Due: tc.due, Expected: tc.expected, Submitted: tc.submitted}}
		if got := k.DueWithin("2026-03-02", 7); got != tc.want {
			t.Errorf("due %q, %d/%d: DueWithin = %v, want %v", tc.due, tc.submitted, tc.expected, got, tc.want)
		}
	}
}
