package outcome_test

import (
	"context"
	"fmt"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
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
//	├── 甲市 910100                  ← office, viewer, provider
//	│   ├── 甲市纪委监委 910100-JWJW   ← body jiwei
//	│   └── 甲县 910102               ← county.office; 张三 县长 (cadre), 李四 副县长
//	└── 乙市 910200                  ← yi.office
//	    └── 乙县 910202 (王五 县长)
type fixture struct {
	d        *db.DB
	clock    *dbtest.Clock
	svc      *outcome.Service
	findings *finding.Service
	units    map[string]*org.Unit
	people   map[string]*org.Person
	actors   map[string]*auth.Actor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, clock: dbtest.NewClock(), units: map[string]*org.Unit{}, people: map[string]*org.Person{},
		actors: map[string]*auth.Actor{}}
	d.Clock = f.clock.Now
	f.svc = outcome.NewService(d, auth.Policy{})
	f.findings = finding.NewService(d, auth.Policy{})
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
	unit("910100", "910102", "甲县", org.KindRegion, org.LevelCounty)
	unit("910000", "910200", "乙市", org.KindRegion, org.LevelCity)
	unit("910200", "910202", "乙县", org.KindRegion, org.LevelCounty)
	person := func(name, code, title string) {
		t.Helper()
		p := must[*org.Person](t)(orgs.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Female, BirthDate: "1976-03-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.units[code].ID}))
		must[*org.Post](t)(orgs.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: f.units[code].ID, Title: title,
			Rank: org.RankDivision, Team: true, Start: "2021-01-01"}))
		f.people[name] = p
	}
	person("张三", "910102", "县长")
	person("李四", "910102", "副县长")
	person("王五", "910202", "县长")
	grant := func(login string, role auth.Role, code string, person int64) {
		u := f.units[code]
		f.actors[login] = &auth.Actor{UserID: int64(100 + len(f.actors)), Login: login, Name: "用户" + login, PersonID: person,
			Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
	}
	grant("office", auth.RoleOffice, "910100", 0)
	grant("county.office", auth.RoleOffice, "910102", 0)
	grant("yi.office", auth.RoleOffice, "910200", 0)
	grant("viewer", auth.RoleViewer, "910100", 0)
	grant("provider", auth.RoleProvider, "910100", 0)
	grant("team", auth.RoleTeam, "910100", 0)
	grant("jiwei", auth.RoleSupervisor, "910100-JWJW", 0)
	grant("cadre", auth.RoleCadre, "910102", f.people["张三"].ID)
	grant("li", auth.RoleCadre, "910102", f.people["李四"].ID)
	return f
}

// grades records the annual grades of cadre name from year first on.
func (f *fixture) grades(t *testing.T, name string, first int, gs ...string) {
	t.Helper()
	for i, g := range gs {
		if err := f.svc.RecordGrade(context.Background(), sys, f.people[name].ID, first+i, g,
			"甲组考〔"+itoa(first+i)+"〕1号"); err != nil {
			t.Fatal(err)
		}
	}
}

// finding records and notifies a finding about 甲县 naming name.
func (f *fixture) finding(t *testing.T, name, foundOn, title string) *finding.Finding {
	t.Helper()
	ctx := context.Background()
	fd := must[*finding.Finding](t)(f.findings.Create(ctx, f.actors["jiwei"], finding.Draft{Source: finding.SourcePatrol,
		Category: finding.CategoryWorkStyle, Severity: finding.SeverityMinor, FoundOn: foundOn, Reference: "甲巡反〔2025〕3号",
		Title: title, Description: "会议记录缺少议题和表决情况。", UnitID: f.units["910102"].ID,
		PersonIDs: []int64{f.people[name].ID}}, nil))
	return must[*finding.Finding](t)(f.findings.Notify(ctx, f.actors["jiwei"], fd.ID, foundOn, "通报"))
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

// written counts the rows of the outcome tables and the audit log.
func (f *fixture) written(t testing.TB) int {
	t.Helper()
	n := 0
	for _, tb := range []string{"outcome_rules", "outcome_grades", "outcome_proposals", "handovers", "audit_log"} {
		n += f.count(t, tb)
	}
	return n
}

func itoa(n int) string { return fmt.Sprint(n) }
