package track_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/locale"
	"kaohe/internal/org"
	"kaohe/internal/track"
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

// fixture is two cities of a province:
//
//	江南省 910000
//	├── 甲市 910100                  ← office, team, provider, viewer
//	│   ├── 甲市统计局 910100-TJJ     ← owns IND_VALUE (monthly, counties of 甲市)
//	│   ├── 甲县 910102 (张三 县长)    ← county office; the cadre 张三
//	│   └── 丙县 910103 (王五 县长)
//	└── 乙市 910200
//	    ├── 乙市统计局 910200-TJJ     ← owns YI_ONLY (counties of 乙市)
//	    └── 乙县 910202 (李四 县长)
type fixture struct {
	d       *db.DB
	clock   *dbtest.Clock
	svc     *track.Service
	collect *collect.Service
	units   map[string]*org.Unit
	people  map[string]*org.Person
	actors  map[string]*auth.Actor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, clock: dbtest.NewClock(), units: map[string]*org.Unit{}, people: map[string]*org.Person{},
		actors: map[string]*auth.Actor{}}
	d.Clock = f.clock.Now
	f.collect = collect.NewService(d, auth.Policy{})
	f.svc = track.NewService(d, auth.Policy{}, f.collect)
	f.collect.Listen(f.svc)
	orgs := org.NewService(d, auth.Policy{})
	unit := func(parent, code, name string, kind org.Kind, level org.Level) {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != "" {
			u.ParentID = f.units[parent].ID
		}
		f.units[code] = must[*org.Unit](t)(orgs.CreateUnit(ctx, sys, u))
	}
	unit("", "910000", "江南省", org.KindRegion, org.LevelProvince)
	unit("910000", "910100", "甲市", org.KindRegion, org.LevelCity)
	unit("910100", "910100-TJJ", "甲市统计局", org.KindDepartment, org.LevelCity)
	unit("910100", "910102", "甲县", org.KindRegion, org.LevelCounty)
	unit("910100", "910103", "丙县", org.KindRegion, org.LevelCounty)
	unit("910000", "910200", "乙市", org.KindRegion, org.LevelCity)
	unit("910200", "910200-TJJ", "乙市统计局", org.KindDepartment, org.LevelCity)
	unit("910200", "910202", "乙县", org.KindRegion, org.LevelCounty)
	person := func(name, code string) *org.Person {
		t.Helper()
		p := must[*org.Person](t)(orgs.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Female, BirthDate: "1976-03-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.units[code].ID}))
		must[*org.Post](t)(orgs.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: f.units[code].ID, Title: "县长",
			Rank: org.RankDivision, Team: true, Start: "2021-01-01"}))
		f.people[name] = p
		return p
	}
	zhang := person("张三", "910102")
	wang := person("王五", "910103")
	person("李四", "910202")
	grant := func(login string, role auth.Role, code string, person int64) {
		u := f.units[code]
		f.actors[login] = &auth.Actor{UserID: int64(100 + len(f.actors)), Login: login, Name: "用户" + login, PersonID: person,
			Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
	}
	grant("office", auth.RoleOffice, "910100", 0)
	grant("county.office", auth.RoleOffice, "910102", 0)
	grant("yi.office", auth.RoleOffice, "910200", 0)
	grant("team", auth.RoleTeam, "910100", 0)
	grant("yi.team", auth.RoleTeam, "910200", 0)
	grant("provider", auth.RoleProvider, "910100-TJJ", 0)
	grant("viewer", auth.RoleViewer, "910100", 0)
	grant("cadre", auth.RoleCadre, "910102", zhang.ID)
	grant("wang", auth.RoleCadre, "910103", wang.ID)
	item := func(code, name, owner string, fr collect.Frequency) {
		t.Helper()
		must[*collect.Item](t)(f.collect.CreateItem(ctx, sys, collect.Item{Code: code, Name: name, Measure: "亿元",
			OwnerID: f.units[owner].ID, Frequency: fr, Type: collect.TypeNumber, EntityKind: collect.EntityUnit, UnitLevel: org.LevelCounty}))
	}
	item("IND_VALUE", "规上工业增加值", "910100-TJJ", collect.Monthly)
	item("GDP", "地区生产总值", "910100-TJJ", collect.Annual)
	item("YI_ONLY", "乙市特色产业产值", "910200-TJJ", collect.Annual)
	return f
}

// submit submits values of item for county code as the provider: period →
// value.
func (f *fixture) submit(t testing.TB, code, item string, values map[string]float64) {
	t.Helper()
	var rows []collect.Row
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range values {
			if !yield(p) {
				return
			}
		}
	}) {
		rows = append(rows, collect.Row{Line: len(rows) + 1, Entity: code, Item: item, Period: p, Value: fmt.Sprint(values[p])})
	}
	must[*collect.Report](t)(f.collect.Submit(context.Background(), sys, collect.Batch{Source: collect.SourceForm, Rows: rows}))
}

// teamDraft is a good value commitment of 甲县's team.
func (f *fixture) teamDraft() track.Draft {
	return track.Draft{Owner: track.OwnerUnit, UnitID: f.units["910102"].ID, Year: 2025, Title: "规上工业增加值达到120亿元",
		Dimension: "economy", Target: track.TargetValue, ItemCode: "IND_VALUE", TargetValue: "120", DueOn: "2025-12-31"}
}

// cadreDraft is a good milestone commitment of 张三.
func (f *fixture) cadreDraft() track.Draft {
	return track.Draft{Owner: track.OwnerPerson, UnitID: f.units["910102"].ID, PersonID: f.people["张三"].ID, Year: 2025,
		Title: "建成县域营商环境一网通办平台", Dimension: "governance", Target: track.TargetMilestones,
		Milestones: []track.Milestone{{Title: "完成平台招标", DueOn: "2025-04-30"}, {Title: "平台上线运行", DueOn: "2025-10-31"}}}
}

// count returns the number of rows of table.
func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.d.SQL.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// written counts the rows of every track table and the audit events.
func (f *fixture) written(t testing.TB) int {
	t.Helper()
	n := 0
	for _, tb := range []string{"commitments", "commitment_milestones", "commitment_versions", "commitment_reports", "commitment_files",
		"ledger_entries", "ledger_files", "report_windows", "monitors", "monitor_alerts", "self_assessments", "audit_log", "data_values"} {
		n += f.count(t, tb)
	}
	return n
}

// answer is y allowed, f Forbidden, n NotFound.
func answer(err error) byte {
	switch {
	case err == nil:
		return 'y'
	case errs.Is(err, errs.Forbidden):
		return 'f'
	case errs.Is(err, errs.NotFound):
		return 'n'
	}
	return '?'
}

// problems lists err's errors as "key@row:field".
func problems(err error) string {
	var l errs.List
	if !errors.As(err, &l) {
		var e *errs.Error
		if !errors.As(err, &e) {
			return "not coded: " + fmt.Sprint(err)
		}
		l = errs.List{e}
	}
	var out []string
	for _, e := range l {
		s := fmt.Sprintf("%s@%d:%s", e.Key, e.Row, e.Field)
		if !localized(e.Key) {
			s += "(no message)"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// localized reports whether both locale files have a message for key.
func localized(key string) bool {
	for _, lang := range locale.Languages {
		if !slices.Contains(messages.Keys(lang), key) {
			return false
		}
	}
	return true
}

var messages = func() *locale.Bundle {
	b, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return b
}()

// pdf is the smallest file SniffEvidence takes for a PDF.
var pdf = []byte("%PDF-1.4\n%%EOF\n")
