package fieldwork_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/fieldwork"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/sources"
)

var sys = auth.SystemActor("test")

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// fixture is two cities of a province, each with its county teams assessed
// in a cycle that its office runs:
//
//	江南省
//	├── 甲市 (statistics bureau 甲市统计局)  ← every role's grant; cycle A
//	│   ├── 甲县 (张三)                     ← the cadre's grant
//	│   └── 丙县
//	└── 乙市                                cycle B
//	    └── 乙县 (李四)
//
// The scheme has a quantitative indicator 工作实绩 (data item PERF), a
// qualitative 党建工作 judged by a score and a qualitative 班子建设 tallied
// from votes, which the team judges by the grades 好/较好/一般/较差; all on
// goalposts 0–100, so that a normalised value is the raw one.
type fixture struct {
	d                      *db.DB
	field                  *fieldwork.Service
	values                 *collect.Service
	cycles                 *cycle.Service
	cityA, cityB           *org.Unit
	countyA, countyC       *org.Unit
	countyB                *org.Unit
	zhang, li              *org.Person
	cycleA, cycleB         *cycle.Cycle
	actors                 map[auth.Role]*auth.Actor
	keyA, keyC, keyB       string // entity keys of 甲县, 丙县 and 乙县
	perfA, perfC, perfB    float64
	pointsGood, pointsFair float64
	versionID              int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	orgs := org.NewService(d, auth.Policy{})
	f := &fixture{d: d, values: collect.NewService(d, auth.Policy{}), cycles: cycle.NewService(d, auth.Policy{}, sources.Cycle()),
		actors: map[auth.Role]*auth.Actor{}, perfA: 70, perfC: 90, pointsGood: 100, pointsFair: 80}
	f.field = fieldwork.NewService(d, auth.Policy{}, f.values)
	unit := func(parent *org.Unit, code, name string, kind org.Kind, level org.Level) *org.Unit {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		return must[*org.Unit](t)(orgs.CreateUnit(ctx, sys, u))
	}
	province := unit(nil, "910000", "江南省", org.KindRegion, org.LevelProvince)
	f.cityA = unit(province, "910100", "甲市", org.KindRegion, org.LevelCity)
	stats := unit(f.cityA, "910100-TJJ", "甲市统计局", org.KindDepartment, org.LevelCity)
	f.countyA = unit(f.cityA, "910102", "甲县", org.KindRegion, org.LevelCounty)
	f.countyC = unit(f.cityA, "910103", "丙县", org.KindRegion, org.LevelCounty)
	f.cityB = unit(province, "910200", "乙市", org.KindRegion, org.LevelCity)
	f.countyB = unit(f.cityB, "910202", "乙县", org.KindRegion, org.LevelCounty)
	person := func(name string, u *org.Unit) *org.Person {
		t.Helper()
		return must[*org.Person](t)(orgs.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Male, BirthDate: "1975-06-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: u.ID}))
	}
	f.zhang, f.li = person("张三", f.countyA), person("李四", f.countyB)

	must[*collect.Item](t)(f.values.CreateItem(ctx, sys, collect.Item{Code: "PERF", Name: "工作实绩", Measure: "分", OwnerID: stats.ID,
		Frequency: collect.Annual, Type: collect.TypeNumber, EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelCounty}))
	must[*collect.Report](t)(f.values.Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI, Rows: []collect.Row{
		{Line: 1, Entity: "910102", Item: "PERF", Period: "2025", Value: strconv.FormatFloat(f.perfA, 'f', -1, 64)},
		{Line: 2, Entity: "910103", Item: "PERF", Period: "2025", Value: strconv.FormatFloat(f.perfC, 'f', -1, 64)},
	}}))

	schemes := scheme.NewService(d, auth.Policy{})
	for _, ind := range []scheme.Indicator{
		{Code: "PERF", Name: "工作实绩", Kind: score.KindQuantitative, DataItem: "PERF"},
		{Code: "PARTY", Name: "党建工作", Kind: score.KindQualitative},
		{Code: "TEAM", Name: "班子建设", Kind: score.KindQualitative, DataItem: "team.overall"},
	} {
		must[*scheme.Indicator](t)(schemes.SaveIndicator(ctx, sys, ind))
	}
	lo, hi := 0.0, 100.0
	goal := score.Normalisation{Method: score.Goalposts, Low: &lo, High: &hi}
	doc := &score.Scheme{Indicators: []score.Indicator{
		{Code: "PERF", Weight: 30, Normalise: goal},
		{Code: "PARTY", Weight: 50, Normalise: goal},
		{Code: "TEAM", Weight: 20, Normalise: goal, Rating: score.RatingSpec{Source: score.FromVotes}},
	}, Rating: score.RatingPolicy{Grades: []score.GradePoint{{Grade: "好", Points: f.pointsGood}, {Grade: "较好", Points: f.pointsFair},
		{Grade: "一般", Points: 60}, {Grade: "较差", Points: 0}}},
		Grading: score.Grading{Bands: []score.Band{{Grade: "好", Min: 85}, {Grade: "较好", Min: 70}, {Grade: "一般", Min: 0}}}}
	sc := must[*scheme.Scheme](t)(schemes.CreateScheme(ctx, sys, scheme.Scheme{Code: "county-team", Name: "县级领导班子考核",
		Subject: scheme.SubjectUnit, OwnerUnitID: province.ID}))
	f.versionID = must[*scheme.Version](t)(schemes.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初版"})).ID

	mk := func(code string, owner *org.Unit, units ...*org.Unit) *cycle.Cycle {
		t.Helper()
		var ids []int64
		for _, u := range units {
			ids = append(ids, u.ID)
		}
		return must[*cycle.Cycle](t)(f.cycles.Create(ctx, sys, cycle.Cycle{Code: code, Name: owner.Name + "2025年度考核", Kind: cycle.Annual,
			Subject: cycle.SubjectUnit, OwnerUnitID: owner.ID, SchemeVersionID: f.versionID, Period: "2025", EndsOn: "2025-12-31", Draws: -1},
			cycle.Selection{UnitIDs: ids}))
	}
	f.cycleA, f.cycleB = mk("jia-2025", f.cityA, f.countyA, f.countyC), mk("yi-2025", f.cityB, f.countyB)
	f.keyA, f.keyC, f.keyB = db.FormatID(f.countyA.ID), db.FormatID(f.countyC.ID), db.FormatID(f.countyB.ID)

	for i, role := range auth.Roles {
		u := f.cityA
		if role == auth.RoleCadre {
			u = f.countyA
		}
		a := &auth.Actor{UserID: int64(100 + i), Login: string(role), Name: "用户" + string(role),
			Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
		if role == auth.RoleCadre {
			a.PersonID = f.zhang.ID
		}
		f.actors[role] = a
	}
	return f
}

// team is the assessment team of 甲市.
func (f *fixture) team() *auth.Actor { return f.actors[auth.RoleTeam] }

// count returns the number of rows of table.
func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.d.SQL.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pdf is the smallest file SniffEvidence takes for a PDF.
var pdf = []byte("%PDF-1.4\n%%EOF\n")

func must2[A, B any](t testing.TB) func(a A, b B, err error) (A, B) {
	return func(a A, b B, err error) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func role(s string) auth.Role { return auth.Role(s) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func auditCount(t testing.TB, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// publish scores cycle id and publishes its run, as the system.
func publish(t testing.TB, f *fixture, id int64) {
	t.Helper()
	ctx := context.Background()
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		must[*cycle.Cycle](t)(f.cycles.Move(ctx, sys, id, to, ""))
	}
	sn := must[*cycle.Snapshot](t)(f.cycles.Run(ctx, sys, id))
	must[*cycle.Cycle](t)(f.cycles.Move(ctx, sys, id, cycle.Review, ""))
	if _, err := f.cycles.Approve(ctx, sys, id, sn.ID, ""); err != nil {
		t.Fatal(err)
	}
	must[*cycle.Cycle](t)(f.cycles.Move(ctx, sys, id, cycle.Published, ""))
}
