package finding_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/locale"
	"kaohe/internal/org"
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

// fixture is two cities of a province with their supervisory bodies:
//
//	江南省 910000
//	├── 甲市 910100                 ← office, team, provider, viewer
//	│   ├── 甲市纪委监委 910100-JWJW  ← body jiwei (jurisdiction 甲市)
//	│   ├── 甲市审计局 910100-SJJ     ← body shenji (jurisdiction 甲市)
//	│   ├── 甲县 910102 (张三 县长)    ← county office; the cadre 张三
//	│   │   ├── 甲县委巡察办 910102-XCB ← body xuncha (jurisdiction 甲县)
//	│   │   └── 城关镇 910102001 (赵六 镇长)
//	│   └── 丙县 910103 (王五 县长; 张三 was its deputy head)
//	└── 乙市 910200
//	    ├── 乙市纪委监委 910200-JWJW  ← body yi.jiwei (jurisdiction 乙市)
//	    └── 乙县 910202 (李四 县长)
type fixture struct {
	d       *db.DB
	clock   *dbtest.Clock
	svc     *finding.Service
	units   map[string]*org.Unit // by code
	people  map[string]*org.Person
	actors  map[string]*auth.Actor // by login
	bodyIDs map[string]int64       // by login of the body's supervisor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, clock: dbtest.NewClock(), units: map[string]*org.Unit{}, people: map[string]*org.Person{},
		actors: map[string]*auth.Actor{}, bodyIDs: map[string]int64{}}
	d.Clock = f.clock.Now
	f.svc = finding.NewService(d, auth.Policy{})
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
	unit("910100", "910100-JWJW", "甲市纪委监委", org.KindDepartment, org.LevelCity)
	unit("910100", "910100-SJJ", "甲市审计局", org.KindDepartment, org.LevelCity)
	unit("910100", "910102", "甲县", org.KindRegion, org.LevelCounty)
	unit("910102", "910102-XCB", "甲县委巡察办", org.KindDepartment, org.LevelCounty)
	unit("910102", "910102001", "城关镇", org.KindRegion, org.LevelTownship)
	unit("910100", "910103", "丙县", org.KindRegion, org.LevelCounty)
	unit("910000", "910200", "乙市", org.KindRegion, org.LevelCity)
	unit("910200", "910200-JWJW", "乙市纪委监委", org.KindDepartment, org.LevelCity)
	unit("910200", "910202", "乙县", org.KindRegion, org.LevelCounty)

	post := func(p *org.Person, code, title, start, end string) {
		t.Helper()
		po := must[*org.Post](t)(orgs.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: f.units[code].ID, Title: title,
			Rank: org.RankDivision, Team: true, Start: start}))
		if end != "" {
			must[*org.Post](t)(orgs.EndPost(ctx, sys, po.ID, end, "调任"))
		}
	}
	person := func(name, code string) *org.Person {
		t.Helper()
		p := must[*org.Person](t)(orgs.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Female, BirthDate: "1976-03-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.units[code].ID}))
		f.people[name] = p
		return p
	}
	zhang := person("张三", "910103")
	post(zhang, "910103", "副县长", "2019-01-01", "2022-12-31")
	post(zhang, "910102", "县长", "2023-01-01", "")
	post(person("赵六", "910102001"), "910102001", "镇长", "2022-01-01", "")
	post(person("王五", "910103"), "910103", "县长", "2021-01-01", "")
	post(person("李四", "910202"), "910202", "县长", "2021-01-01", "")

	grant := func(login string, role auth.Role, code string, person int64) {
		u := f.units[code]
		f.actors[login] = &auth.Actor{UserID: int64(100 + len(f.actors)), Login: login, Name: "用户" + login, PersonID: person,
			Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
		if role == auth.RoleSupervisor {
			f.bodyIDs[login] = u.ID
		}
	}
	grant("office", auth.RoleOffice, "910100", 0)
	grant("county.office", auth.RoleOffice, "910102", 0)
	grant("team", auth.RoleTeam, "910100", 0)
	grant("provider", auth.RoleProvider, "910100", 0)
	grant("viewer", auth.RoleViewer, "910100", 0)
	grant("cadre", auth.RoleCadre, "910102", zhang.ID)
	grant("jiwei", auth.RoleSupervisor, "910100-JWJW", 0)
	grant("shenji", auth.RoleSupervisor, "910100-SJJ", 0)
	grant("xuncha", auth.RoleSupervisor, "910102-XCB", 0)
	grant("yi.jiwei", auth.RoleSupervisor, "910200-JWJW", 0)
	return f
}

// draft is a good draft about unit code naming people.
func (f *fixture) draft(code string, people ...string) finding.Draft {
	d := finding.Draft{Source: finding.SourcePatrol, Category: finding.CategoryWorkStyle, Severity: finding.SeverityMinor,
		FoundOn: "2025-07-15", Reference: "甲巡反〔2025〕3号", Title: "会议记录不全", Description: "2025年上半年党组会议记录缺少议题和表决情况。",
		UnitID: f.units[code].ID}
	for _, n := range people {
		d.PersonIDs = append(d.PersonIDs, f.people[n].ID)
	}
	return d
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

// written counts the rows of every findings table and their audit events.
func (f *fixture) written(t testing.TB) int {
	t.Helper()
	var n int
	if err := f.d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE object_type = 'finding'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return f.count(t, "findings") + f.count(t, "finding_people") + f.count(t, "finding_evidence") + n
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
		if c, ok := e.Args["cell"].(string); ok {
			s += "(" + c + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// localized reports whether both locale files have a message for key, so
// that every error the tests see reads in the user's language.
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
