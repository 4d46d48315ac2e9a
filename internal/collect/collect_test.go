package collect_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

var sys = auth.SystemActor("test")

// fixture is a small jurisdiction: a city with two counties (one urban, one
// ecological) and a township, the city's 统计局 and 生态环境局, and items
// of each.
type fixture struct {
	d                *db.DB
	s                *collect.Service
	o                *org.Service
	city             *org.Unit
	countyA, countyB *org.Unit
	town             *org.Unit
	stats, eco       *org.Unit
	person           *org.Person
	gdp, forest      *collect.Item
	petitions        *collect.Item
	statsUser        *auth.Actor
	ecoUser          *auth.Actor
	office           *auth.Actor
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ptr(f float64) *float64 { return &f }

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, s: collect.NewService(d, auth.Policy{}), o: org.NewService(d, auth.Policy{})}
	unit := func(parent *org.Unit, code, name string, kind org.Kind, level org.Level) *org.Unit {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		return must[*org.Unit](t)(f.o.CreateUnit(ctx, sys, u))
	}
	province := unit(nil, "910000", "江南省", org.KindRegion, org.LevelProvince)
	f.city = unit(province, "910100", "青州市", org.KindRegion, org.LevelCity)
	f.countyA = unit(f.city, "910102", "清河区", org.KindRegion, org.LevelCounty)
	f.countyB = unit(f.city, "910121", "云溪县", org.KindRegion, org.LevelCounty)
	f.town = unit(f.countyA, "910102001", "东门街道", org.KindRegion, org.LevelTownship)
	f.stats = unit(f.city, "910100-TJJ", "青州市统计局", org.KindDepartment, org.LevelCity)
	f.eco = unit(f.city, "910100-STHJ", "青州市生态环境局", org.KindDepartment, org.LevelCity)
	f.person = must[*org.Person](t)(f.o.CreatePerson(ctx, sys, org.Person{Name: "王建国", Gender: org.Male, BirthDate: "1975-04-01",
		Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.countyA.ID}))
	item := func(it collect.Item) *collect.Item {
		t.Helper()
		return must[*collect.Item](t)(f.s.CreateItem(ctx, sys, it))
	}
	f.gdp = item(collect.Item{Code: "GDP", Name: "地区生产总值", Measure: "亿元", OwnerID: f.stats.ID, Frequency: collect.Annual,
		Type: collect.TypeNumber, Min: ptr(0), Required: true, EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelCounty})
	f.forest = item(collect.Item{Code: "FOREST", Name: "森林覆盖率", Measure: "%", OwnerID: f.eco.ID, Frequency: collect.Annual,
		Type: collect.TypePercent, Min: ptr(0), Max: ptr(100), Required: true, EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelCounty})
	f.petitions = item(collect.Item{Code: "PETITION", Name: "信访件数", Measure: "件", OwnerID: f.stats.ID, Frequency: collect.Quarterly,
		Type: collect.TypeInteger, Min: ptr(0), EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelCounty})
	grant := func(role auth.Role, u *org.Unit) *auth.Actor {
		return &auth.Actor{UserID: 7, Login: "u-" + u.Code, Name: u.Name, Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
	}
	f.statsUser = grant(auth.RoleProvider, f.stats)
	f.ecoUser = grant(auth.RoleProvider, f.eco)
	f.office = grant(auth.RoleOffice, f.city)
	return f
}

func (f *fixture) count(t testing.TB) int {
	t.Helper()
	var n int
	if err := f.d.SQL.QueryRow(`SELECT count(*) FROM data_values`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func auditCount(t testing.TB, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rows builds rows from "entity item period value [reason]" lines.
func rows(lines ...string) []collect.Row {
	var out []collect.Row
	for i, l := range lines {
		f := strings.SplitN(l, " ", 5)
		for len(f) < 4 {
			f = append(f, "")
		}
		r := collect.Row{Line: i + 2, Entity: f[0], Item: f[1], Period: f[2], Value: f[3]}
		if len(f) > 4 {
			r.Reason = f[4]
		}
		out = append(out, r)
	}
	return out
}

// wantErrs checks that err is a list of errors with these keys at these
// rows ("key@row").
func wantErrs(t *testing.T, err error, want ...string) {
	t.Helper()
	var l errs.List
	if !errors.As(err, &l) {
		var e *errs.Error
		if errors.As(err, &e) {
			l = errs.List{e}
		} else {
			t.Fatalf("got %v, want errors %v", err, want)
		}
	}
	var got []string
	for _, e := range l {
		got = append(got, fmt.Sprintf("%s@%d", e.Key, e.Row))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got errors %v (%v), want %v", got, err, want)
	}
}

func TestSubmitAndCorrect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		rep, err := f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows(
			"910102 GDP 2024 100", "910121 GDP 2024 50", "910102 GDP 2025 120", "910121 GDP 2025 200")})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != 4 || rep.Flagged != 1 || rep.Flags[0].Entity != "910121" || rep.Flags[0].Prev != 50 {
			t.Fatalf("report %+v: want 4 inserted, 910121 2025 flagged (50 → 200)", rep)
		}
		// Resubmitting the same values changes nothing; a different value
		// without a reason is refused whole.
		rep = must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910102 GDP 2025 120")}))
		if rep.Unchanged != 1 || rep.Inserted+rep.Corrected != 0 {
			t.Fatalf("resubmission: %+v, want 1 unchanged", rep)
		}
		_, err = f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910102 GDP 2024 101 修正口径", "910102 GDP 2025 125")})
		wantErrs(t, err, "collect.row.reason_required@3")
		if n := f.count(t); n != 4 {
			t.Fatalf("after a refused batch: %d values, want 4", n)
		}
		rep = must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910121 GDP 2025 60 统计口径调整，按第五次经济普查修订")}))
		if rep.Corrected != 1 || rep.Flagged != 0 {
			t.Fatalf("correction: %+v, want 1 corrected, not flagged", rep)
		}
		hist := must[[]*collect.Value](t)(f.s.History(ctx, f.office, f.countyB.ID, "GDP", "2025"))
		if len(hist) != 2 || hist[0].Version != 2 || !hist[0].Current || hist[0].Value != 60 || hist[0].Reason == "" ||
			hist[1].Version != 1 || hist[1].Current || hist[1].Value != 200 || !hist[1].Flagged {
			for _, h := range hist {
				t.Logf("%+v", *h)
			}
			t.Fatalf("history: want v2 current 60 with reason, v1 200 flagged kept")
		}
		if n := auditCount(t, d, "value.correct"); n != 1 {
			t.Fatalf("value.correct events: %d, want 1", n)
		}
		if n := auditCount(t, d, "value.submit"); n != 2 {
			t.Fatalf("value.submit events: %d, want 2", n)
		}
	})
}

func TestSubmitValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910102 GDP 2024 100")}))
		before := f.count(t)
		b := collect.Batch{Source: collect.SourceCSV, Rows: rows(
			"910121 GDP 2025 12.5亿元",       // 2 ok: the item's own unit
			"910102 GDP 2025 约120",         // 3 text
			"910121 GDP 2025Q1 1",          // 4 wrong period form
			"910102001 GDP 2025 1",         // 5 a township: not a county
			"999999 GDP 2025 1",            // 6 unknown entity
			"910102 NOPE 2025 1",           // 7 unknown item
			"910102 GDP 2024 -1 修订",        // 8 below min
			"910121 PETITION 2025Q1 2.5",   // 9 not integer
			"910121 PETITION 2025Q2 3万元",   // 10 wrong unit
			"910121 GDP 2025 13",           // 11 duplicate of 2
			"910102 GDP 2026",              // 12 required but blank
			"910121 PETITION 2025Q3  ",     // 13 optional blank: skipped
			"910102 PETITION 2025Q3 1,234", // 14 ok
		)}
		_, err := f.s.Submit(ctx, f.statsUser, b)
		wantErrs(t, err, "collect.value.not_number@3", "collect.row.period_invalid@4", "collect.row.entity_outside@5",
			"collect.row.entity_unknown@6", "collect.row.item_unknown@7", "collect.value.below_min@8",
			"collect.value.not_integer@9", "collect.value.wrong_unit@10", "collect.row.duplicate@11", "collect.value.required@12")
		if n := f.count(t); n != before {
			t.Fatalf("a bad batch wrote %d values", n-before)
		}
		b.Rows = append(b.Rows[:1], b.Rows[11:]...)
		rep := must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, b))
		if rep.Inserted != 2 || rep.Skipped != 1 {
			t.Fatalf("report %+v, want 2 inserted, 1 skipped", rep)
		}
	})
}

func TestProviderIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// 统计局 writing 生态环境局's forest coverage: refused with a clear
		// message naming the owner, nothing written, even with a good row.
		_, err := f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910102 GDP 2025 1", "910102 FOREST 2025 60")})
		wantErrs(t, err, "collect.row.item_foreign@3")
		if !errs.Is(err, errs.Forbidden) || !strings.Contains(err.Error(), "青州市生态环境局") {
			t.Fatalf("got %v, want Forbidden naming 青州市生态环境局", err)
		}
		if n := f.count(t); n != 0 {
			t.Fatalf("foreign item wrote %d values", n)
		}
		must[*collect.Report](t)(f.s.Submit(ctx, f.ecoUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910102 FOREST 2025 60%")}))
		// The office of the city may submit for its departments; a cadre may not.
		must[*collect.Report](t)(f.s.Submit(ctx, f.office, collect.Batch{Source: collect.SourceForm, Rows: rows("910121 FOREST 2025 71.5")}))
		cadre := &auth.Actor{UserID: 9, Login: "c", Grants: []auth.Grant{{Role: auth.RoleCadre, UnitID: f.countyA.ID, UnitPath: f.countyA.Path}}}
		_, err = f.s.Submit(ctx, cadre, collect.Batch{Source: collect.SourceForm, Rows: rows("910102 FOREST 2025 99")})
		if !errs.Is(err, errs.Forbidden) {
			t.Fatalf("cadre submitting: got %v, want Forbidden", err)
		}
		items := must[[]*collect.Item](t)(f.s.Items(ctx, f.ecoUser, collect.ItemFilter{Submittable: true}))
		if len(items) != 1 || items[0].Code != "FOREST" {
			t.Fatalf("生态环境局's items: got %d, want FOREST only", len(items))
		}
	})
}

func TestFar(t *testing.T) {
	for _, tt := range []struct {
		prev, v float64
		want    bool
	}{{100, 120, false}, {100, 300, false}, {100, 301, true}, {100, 34, false}, {100, 33, true}, {0, 0, false}, {0, 1, true}, {5, -5, true}, {-10, -40, true}} {
		if got := collect.Far(tt.prev, tt.v); got != tt.want {
			t.Errorf("Far(%v, %v) = %v, want %v", tt.prev, tt.v, got, tt.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	for _, tt := range []struct {
		f       collect.Frequency
		p, prev string
		valid   bool
	}{
		{collect.Annual, "2025", "2024", true}, {collect.Annual, "2025Q1", "", false}, {collect.Annual, "1899", "", false},
		{collect.Quarterly, "2025Q1", "2024Q4", true}, {collect.Quarterly, "2025Q3", "2025Q2", true}, {collect.Quarterly, "2025Q5", "", false},
		{collect.Monthly, "2025-01", "2024-12", true}, {collect.Monthly, "2025-11", "2025-10", true}, {collect.Monthly, "2025-13", "", false},
	} {
		if got := collect.ValidPeriod(tt.f, tt.p); got != tt.valid {
			t.Errorf("ValidPeriod(%s, %s) = %v", tt.f, tt.p, got)
		}
		if got := collect.PrevPeriod(tt.f, tt.p); got != tt.prev {
			t.Errorf("PrevPeriod(%s, %s) = %q, want %q", tt.f, tt.p, got, tt.prev)
		}
	}
}

// TestPersonItem submits a value about a person: training hours of a cadre
// of the city, reported by the city's 统计局 (as a stand-in owner).
func TestPersonItem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Item](t)(f.s.CreateItem(ctx, sys, collect.Item{Code: "TRAINING", Name: "培训学时", Measure: "学时",
			OwnerID: f.stats.ID, Frequency: collect.Annual, Type: collect.TypeInteger, EntityKind: collect.EntityPerson}))
		who := "person:" + fmt.Sprint(f.person.ID)
		rep := must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows(who+" TRAINING 2025 56", "910102 TRAINING 2025 3")[:1]}))
		if rep.Inserted != 1 {
			t.Fatalf("report %+v", rep)
		}
		_, err := f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceAPI, Rows: rows("910102 TRAINING 2024 3", "person:1 TRAINING 2024 3")})
		wantErrs(t, err, "collect.row.entity_outside@2", "collect.row.entity_unknown@3")
		hist := must[[]*collect.Value](t)(f.s.History(ctx, f.office, f.person.ID, "TRAINING", "2025"))
		if len(hist) != 1 || hist[0].EntityKind != collect.EntityPerson || hist[0].Value != 56 {
			t.Fatalf("history %+v", hist)
		}
	})
}
