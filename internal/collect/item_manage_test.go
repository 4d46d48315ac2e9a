package collect_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// TestItemProblems checks that a bad item reports every bad field at once,
// each under its own field, and that Validate returns the first of them.
func TestItemProblems(t *testing.T) {
	good := collect.Item{Code: "GDP", Name: "地区生产总值", Measure: "亿元", OwnerID: 1, Frequency: collect.Annual,
		Type: collect.TypeNumber, EntityKind: collect.EntityUnit}
	for _, tt := range []struct {
		name   string
		change func(it *collect.Item)
		want   string // "field=key …"
	}{
		{"good", func(*collect.Item) {}, ""},
		{"everything", func(it *collect.Item) {
			it.Code, it.Name, it.OwnerID, it.Frequency, it.Type = "1x", "", 0, "daily", "text"
		}, "code=collect.item.code_invalid name=collect.item.name_required owner_id=collect.item.owner_required " +
			"frequency=collect.item.frequency_invalid type=collect.item.type_invalid"},
		{"reserved code", func(it *collect.Item) { it.Code = "new" }, "code=collect.item.code_reserved"},
		{"bounds reversed", func(it *collect.Item) { it.Min, it.Max = ptr(10), ptr(1) }, "max=collect.item.bounds_order"},
		{"infinite max", func(it *collect.Item) { it.Max = ptr(math.Inf(1)) }, "max=collect.item.bound_invalid"},
		{"NaN min", func(it *collect.Item) { it.Min = ptr(math.NaN()) }, "min=collect.item.bound_invalid"},
		{"long measure and spaced description", func(it *collect.Item) {
			it.Measure, it.Description = strings.Repeat("元", 17), " 说明"
		}, "measure=collect.item.measure_too_long description=collect.item.description_spaces"},
		{"person with unit level", func(it *collect.Item) {
			it.EntityKind, it.UnitLevel = collect.EntityPerson, org.LevelCounty
		}, "unit_kind=collect.item.person_unit_kind"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			it := good
			tt.change(&it)
			var got []string
			for _, e := range it.Problems() {
				got = append(got, e.Field+"="+e.Key)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Fatalf("got %q, want %q", g, tt.want)
			}
			err := it.Validate()
			if (err == nil) != (tt.want == "") {
				t.Fatalf("Validate: got %v, want an error iff %q", err, tt.want)
			}
			if err != nil && err.(*errs.Error).Key != it.Problems()[0].Key {
				t.Fatalf("Validate: got %v, want the first problem", err)
			}
		})
	}
}

// TestManagedItems checks the office's view of the items: who may list
// and open them, filtering, the owners offered, and deadlines.
func TestManagedItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		other := must[*org.Unit](t)(f.o.CreateUnit(ctx, sys, org.Unit{Code: "920100", Name: "远州市", Kind: org.KindRegion, Level: org.LevelCity}))
		otherStats := must[*org.Unit](t)(f.o.CreateUnit(ctx, sys, org.Unit{ParentID: other.ID, Code: "920100-TJJ", Name: "远州市统计局",
			Kind: org.KindDepartment, Level: org.LevelCity}))
		must[*collect.Item](t)(f.s.CreateItem(ctx, sys, collect.Item{Code: "FAR_GDP", Name: "远州生产总值", OwnerID: otherStats.ID,
			Frequency: collect.Annual, Type: collect.TypeNumber, EntityKind: collect.EntityUnit}))
		countyOffice := &auth.Actor{UserID: 8, Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: f.countyA.ID, UnitPath: f.countyA.Path}}}
		viewer := &auth.Actor{UserID: 9, Grants: []auth.Grant{{Role: auth.RoleViewer, UnitID: f.city.ID, UnitPath: f.city.Path}}}

		codes := func(items []*collect.Item) string {
			var out []string
			for _, it := range items {
				out = append(out, it.Code)
			}
			return strings.Join(out, " ")
		}
		for _, tt := range []struct {
			name  string
			actor *auth.Actor
			f     collect.ItemFilter
			want  string
			code  errs.Code
		}{
			{"office, all", f.office, collect.ItemFilter{}, "GDP PETITION FOREST", ""},
			{"office, one owner", f.office, collect.ItemFilter{OwnerID: f.stats.ID}, "GDP PETITION", ""},
			{"office, quarterly", f.office, collect.ItemFilter{Frequency: collect.Quarterly}, "PETITION", ""},
			{"office, owner outside", f.office, collect.ItemFilter{OwnerID: otherStats.ID}, "", errs.NotFound},
			{"county office, no departments", countyOffice, collect.ItemFilter{}, "", ""},
			{"provider", f.statsUser, collect.ItemFilter{}, "", errs.Forbidden},
			{"provider, own department", f.statsUser, collect.ItemFilter{OwnerID: f.stats.ID}, "", errs.Forbidden},
			{"viewer", viewer, collect.ItemFilter{}, "", errs.Forbidden},
			{"system", sys, collect.ItemFilter{}, "GDP PETITION FOREST FAR_GDP", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				items, err := f.s.ManagedItems(ctx, tt.actor, tt.f)
				if errs.CodeOf(err) != tt.code {
					t.Fatalf("got error %v, want code %q", err, tt.code)
				}
				if got := codes(items); err == nil && got != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			})
		}

		owners := must[[]*collect.Owner](t)(f.s.ItemOwners(ctx, f.office))
		if len(owners) != 2 || owners[0].Name+owners[1].Name != "青州市统计局青州市生态环境局" {
			t.Fatalf("owners offered to the office: %+v, want its two departments", owners)
		}
		if _, err := f.s.ItemOwners(ctx, f.statsUser); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("owners offered to a provider: %v, want forbidden", err)
		}

		// Deadlines: set, changed, listed newest first, removed; audited.
		for _, dl := range [][2]string{{"2024", "2025-03-31"}, {"2025", "2026-03-31"}, {"2025", "2026-04-15"}} {
			if err := f.s.SetDeadline(ctx, f.office, "GDP", dl[0], dl[1]); err != nil {
				t.Fatal(err)
			}
		}
		mi := must[*collect.ManagedItem](t)(f.s.ManagedItem(ctx, f.office, "GDP"))
		if len(mi.Deadlines) != 2 || mi.Deadlines[0] != (collect.Deadline{Period: "2025", Due: "2026-04-15"}) ||
			mi.Deadlines[1] != (collect.Deadline{Period: "2024", Due: "2025-03-31"}) {
			t.Fatalf("deadlines: %+v", mi.Deadlines)
		}
		if n := auditCount(t, d, "deadline.set"); n != 3 {
			t.Fatalf("deadline.set events: %d, want 3", n)
		}
		for _, tt := range []struct {
			actor *auth.Actor
			code  string
			want  errs.Code
		}{
			{f.office, "GDP", ""},
			{f.office, "FAR_GDP", errs.NotFound},
			{f.office, "NOPE", errs.NotFound},
			{f.statsUser, "GDP", errs.Forbidden},
			{f.ecoUser, "GDP", errs.NotFound},
		} {
			if _, err := f.s.ManagedItem(ctx, tt.actor, tt.code); errs.CodeOf(err) != tt.want {
				t.Errorf("ManagedItem(%s) as %v: got %v, want %q", tt.code, tt.actor.Grants, err, tt.want)
			}
		}
	})
}

// TestValueHistory checks that the history holds every version of every
// period with its submitter, and who may read it.
func TestValueHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for _, b := range [][]string{
			{"910102 GDP 2024 100", "910102 GDP 2025 120"},
			{"910102 GDP 2025 480 按普查修订"},
		} {
			must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows(b...)}))
		}
		h := must[*collect.ValueHistory](t)(f.s.ValueHistory(ctx, f.office, f.countyA.ID, "GDP"))
		var got []string
		for _, v := range h.Versions {
			got = append(got, strings.Join([]string{v.Period, "v" + string(rune('0'+v.Version)),
				map[bool]string{true: "current", false: "old"}[v.Current], v.Reason}, " "))
		}
		want := []string{"2025 v2 current 按普查修订", "2025 v1 old ", "2024 v1 current "}
		if strings.Join(got, "|") != strings.Join(want, "|") || h.EntityName != "清河区" || h.Item.Code != "GDP" {
			t.Fatalf("history %q of %s, want %q", got, h.EntityName, want)
		}
		if !h.Versions[0].Flagged || h.Versions[0].Source != collect.SourceAPI {
			t.Errorf("the correction 120 → 480 should be flagged, from the API: %+v", *h.Versions[0].Value)
		}
		for _, tt := range []struct {
			name  string
			actor *auth.Actor
			want  errs.Code
		}{
			{"office", f.office, ""},
			{"owning provider", f.statsUser, ""},
			{"other provider", f.ecoUser, errs.NotFound},
			{"anonymous", nil, errs.Unauthorized},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := f.s.ValueHistory(ctx, tt.actor, f.countyA.ID, "GDP"); errs.CodeOf(err) != tt.want {
					t.Fatalf("got %v, want %q", err, tt.want)
				}
			})
		}
		if _, err := f.s.ValueHistory(ctx, f.office, f.countyA.ID, "NOPE"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown item: %v, want not found", err)
		}
	})
}
