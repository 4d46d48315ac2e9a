package org_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

var sys = auth.SystemActor("test")

// tree is a small jurisdiction: a province, a city, two counties with a
// township each, a city department and a person in each county.
type tree struct {
	s                  *org.Service
	province, city     *org.Unit
	countyA, countyB   *org.Unit
	townA, townB, dept *org.Unit
	urban, eco, econ   *org.Category
	personA, personB   *org.Person
	postA, postB       *org.Post
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newTree(t *testing.T, d *db.DB) *tree {
	t.Helper()
	ctx := context.Background()
	s := org.NewService(d, auth.Policy{})
	unit := func(parent *org.Unit, code, name string, kind org.Kind, level org.Level, cat *org.Category) *org.Unit {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if cat != nil {
			u.CategoryID = cat.ID
		}
		got, err := s.CreateUnit(ctx, sys, u)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return got
	}
	category := func(code, name string, kind org.Kind) *org.Category {
		t.Helper()
		return must[*org.Category](t)(s.CreateCategory(ctx, sys, org.Category{Code: code, Name: name, AppliesTo: kind}))
	}
	tr := &tree{s: s}
	tr.urban = category("urban", "城区/经济发达地区", org.KindRegion)
	tr.eco = category("eco", "生态功能区", org.KindRegion)
	tr.econ = category("econ", "综合经济类", org.KindDepartment)
	tr.province = unit(nil, "910000", "江南省", org.KindRegion, org.LevelProvince, nil)
	tr.city = unit(tr.province, "910100", "青州市", org.KindRegion, org.LevelCity, nil)
	tr.countyA = unit(tr.city, "910102", "清河区", org.KindRegion, org.LevelCounty, tr.urban)
	tr.countyB = unit(tr.city, "910121", "云溪县", org.KindRegion, org.LevelCounty, tr.eco)
	tr.townA = unit(tr.countyA, "910102001", "东门街道", org.KindRegion, org.LevelTownship, nil)
	tr.townB = unit(tr.countyB, "910121101", "石桥镇", org.KindRegion, org.LevelTownship, nil)
	tr.dept = unit(tr.city, "910100-TJJ", "青州市统计局", org.KindDepartment, org.LevelCity, tr.econ)
	person := func(name string, u *org.Unit) *org.Person {
		t.Helper()
		return must[*org.Person](t)(s.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Male, BirthDate: "1975-04-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: u.ID}))
	}
	tr.personA = person("王建国", tr.countyA)
	tr.personB = person("李明", tr.countyB)
	post := func(p *org.Person, u *org.Unit, title string) *org.Post {
		t.Helper()
		return must[*org.Post](t)(s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: u.ID, Title: title,
			Rank: org.RankDivision, Team: true, Start: "2023-03-01"}))
	}
	tr.postA = post(tr.personA, tr.countyA, "区委书记")
	tr.postB = post(tr.personB, tr.countyB, "县委书记")
	return tr
}

// actor returns a user holding role in the subtree of u.
func actor(role auth.Role, u *org.Unit) *auth.Actor {
	return &auth.Actor{UserID: 7, Login: "u7", Name: "u7", Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
}

func auditCount(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, err error, code errs.Code, field string) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
	if field == "" {
		return
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Field != field {
		t.Fatalf("got error %v, want field %q", err, field)
	}
}

func names(us []*org.Unit) string {
	var b []string
	for _, u := range us {
		b = append(b, u.Name)
	}
	return strings.Join(b, ",")
}

func TestTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		for _, c := range []struct{ u, parent *org.Unit }{
			{tr.city, tr.province}, {tr.countyA, tr.city}, {tr.townA, tr.countyA}, {tr.dept, tr.city},
		} {
			if c.u.ParentID != c.parent.ID || c.u.Path != c.parent.Path+itoa(c.u.ID)+"/" {
				t.Errorf("%s: got path %q parent %d, want %s%d/ parent %d", c.u.Name, c.u.Path, c.u.ParentID, c.parent.Path, c.u.ID, c.parent.ID)
			}
		}
		if want := "/" + itoa(tr.province.ID) + "/"; tr.province.Path != want {
			t.Errorf("root path: got %q, want %q", tr.province.Path, want)
		}
		kids := must[[]*org.Unit](t)(s.Children(ctx, sys, tr.city.ID))
		if got, want := names(kids), "青州市统计局,清河区,云溪县"; got != want {
			// Sort order ties are broken by code: 910100-TJJ < 910102 < 910121.
			t.Errorf("children: got %s, want %s", got, want)
		}
		sub := must[[]*org.Unit](t)(s.Subtree(ctx, sys, tr.countyA.ID))
		if got, want := names(sub), "清河区,东门街道"; got != want {
			t.Errorf("subtree: got %s, want %s", got, want)
		}
		all := must[[]*org.Unit](t)(s.Subtree(ctx, sys, tr.province.ID))
		if len(all) != 7 {
			t.Errorf("subtree of the province: got %d units, want 7", len(all))
		}
		roots := must[[]*org.Unit](t)(s.Roots(ctx, sys))
		if got := names(roots); got != "江南省" {
			t.Errorf("roots for the system: got %s, want 江南省", got)
		}
		roots = must[[]*org.Unit](t)(s.Roots(ctx, actor(auth.RoleOffice, tr.countyB)))
		if got := names(roots); got != "云溪县" {
			t.Errorf("roots for an office of 云溪县: got %s, want 云溪县", got)
		}
		got := must[*org.Unit](t)(s.Unit(ctx, sys, tr.dept.ID))
		if got.Code != "910100-TJJ" || got.Kind != org.KindDepartment || got.Level != org.LevelCity || got.CategoryID != tr.econ.ID ||
			!got.CreatedAt.Equal(dbtest.Epoch) {
			t.Errorf("got %+v, want the statistics bureau as created", got)
		}
		if n := auditCount(t, d, "unit.create"); n != 7 {
			t.Errorf("unit.create audit events: got %d, want 7", n)
		}
	})
}

// TestPathCollation checks that unit paths compare byte by byte whatever
// the database's default collation: under a collation that ignores
// punctuation (as glibc's en_US.UTF-8 does) "/5/7/" would sort after "/50"
// and fall outside the subtree range of "/5/".
func TestPathCollation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.View(ctx, func(tx *db.Tx) error {
			var inRange bool
			err := tx.QueryRowContext(ctx, `SELECT CAST($1 AS TEXT) COLLATE "C" >= CAST($2 AS TEXT) AND CAST($1 AS TEXT) COLLATE "C" < CAST($3 AS TEXT)`,
				"/5/7/", "/5/", "/50").Scan(&inRange)
			if err != nil {
				return err
			}
			if !inRange {
				t.Error(`"/5/7/" under COLLATE "C": got outside ["/5/", "/50"), want inside`)
			}
			if d.Engine != db.Postgres {
				return nil
			}
			var coll string
			err = tx.QueryRowContext(ctx, `SELECT coalesce(collation_name, '') FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = 'units' AND column_name = 'path'`).Scan(&coll)
			if err != nil {
				return err
			}
			if coll != "C" {
				t.Errorf("units.path collation: got %q, want C", coll)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestSubtreeRange stores units whose ids share prefixes (5, 50, 500, 51)
// and checks that the subtree of 5 holds only 5 and its sub-units.
func TestSubtreeRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d, auth.Policy{})
		rows := []struct {
			id, parent int64
			path, code string
			level      org.Level
		}{
			{5, 0, "/5/", "910000", org.LevelProvince},
			{50, 0, "/50/", "920000", org.LevelProvince},
			{500, 50, "/50/500/", "920100", org.LevelCity},
			{51, 0, "/51/", "930000", org.LevelProvince},
			{7, 5, "/5/7/", "910100", org.LevelCity},
			{55, 7, "/5/7/55/", "910102", org.LevelCounty},
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var us []*org.Unit
			for _, r := range rows {
				us = append(us, &org.Unit{ID: r.id, ParentID: r.parent, Path: r.path, Code: r.code, Name: r.code,
					Kind: org.KindRegion, Level: r.level})
			}
			return org.InsertUnits(ctx, tx, us)
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			id   int64
			want string
		}{
			{5, "910000,910100,910102"},
			{50, "920000,920100"},
			{7, "910100,910102"},
			{51, "930000"},
		}
		for _, tt := range tests {
			got := must[[]*org.Unit](t)(s.Subtree(ctx, sys, tt.id))
			if names(got) != tt.want {
				t.Errorf("subtree of %d: got %s, want %s", tt.id, names(got), tt.want)
			}
			us, n := must2(t)(s.FindUnits(ctx, sys, org.UnitFilter{Under: tt.id}))
			if names(us) != tt.want || n != len(us) {
				t.Errorf("FindUnits under %d: got %s (%d), want %s", tt.id, names(us), n, tt.want)
			}
		}
		// An office of 5 sees nothing of 50.
		a := &auth.Actor{UserID: 1, Login: "a", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: 5, UnitPath: "/5/"}}}
		if _, err := s.Unit(ctx, a, 50); !errs.Is(err, errs.NotFound) {
			t.Errorf("unit 50 for an office of 5: got %v, want NotFound", err)
		}
		us, _ := must2(t)(s.FindUnits(ctx, a, org.UnitFilter{}))
		if got, want := names(us), "910000,910100,910102"; got != want {
			t.Errorf("FindUnits for an office of 5: got %s, want %s", got, want)
		}
	})
}

func must2(t *testing.T) func(us []*org.Unit, n int, err error) ([]*org.Unit, int) {
	return func(us []*org.Unit, n int, err error) ([]*org.Unit, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return us, n
	}
}

func TestMoveUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		// A second city, then 清河区 and its township move there.
		city2 := must[*org.Unit](t)(s.CreateUnit(ctx, sys, org.Unit{ParentID: tr.province.ID, Code: "910200",
			Name: "平阳市", Kind: org.KindRegion, Level: org.LevelCity}))
		moved, err := s.MoveUnit(ctx, sys, tr.countyA.ID, city2.ID, "区划调整")
		if err != nil {
			t.Fatal(err)
		}
		if want := city2.Path + itoa(tr.countyA.ID) + "/"; moved.Path != want || moved.ParentID != city2.ID {
			t.Errorf("moved county: got path %q parent %d, want %q parent %d", moved.Path, moved.ParentID, want, city2.ID)
		}
		town := must[*org.Unit](t)(s.Unit(ctx, sys, tr.townA.ID))
		if want := moved.Path + itoa(tr.townA.ID) + "/"; town.Path != want {
			t.Errorf("township after the move: got %q, want %q", town.Path, want)
		}
		if got := names(must[[]*org.Unit](t)(s.Subtree(ctx, sys, tr.city.ID))); strings.Contains(got, "清河区") ||
			strings.Contains(got, "东门街道") || len(strings.Split(got, ",")) != 4 {
			t.Errorf("old city's subtree: got %s, want 青州市, its department, 云溪县 and 石桥镇", got)
		}
		if got := names(must[[]*org.Unit](t)(s.Subtree(ctx, sys, city2.ID))); got != "平阳市,清河区,东门街道" {
			t.Errorf("new city's subtree: got %s, want 平阳市,清河区,东门街道", got)
		}
		// The person placed in the county moves with it.
		ps, _, err := s.FindPeople(ctx, sys, org.PersonFilter{Under: city2.ID})
		if err != nil || len(ps) != 1 || ps[0].ID != tr.personA.ID {
			t.Errorf("people under the new city: got %d (%v), want 王建国", len(ps), err)
		}
		if n := auditCount(t, d, "unit.move"); n != 1 {
			t.Errorf("unit.move audit events: got %d, want 1", n)
		}
		bad := []struct {
			name       string
			id, parent int64
			field      string
		}{
			{"under itself", city2.ID, city2.ID, "parent_id"},
			{"under its own township", tr.countyA.ID, tr.townA.ID, "parent_id"},
			{"county under a county", tr.countyA.ID, tr.countyB.ID, "level"},
			{"under a department", tr.townA.ID, tr.dept.ID, "parent_id"},
			{"department under a township", tr.dept.ID, tr.townB.ID, "level"},
		}
		for _, b := range bad {
			_, err := s.MoveUnit(ctx, sys, b.id, b.parent, "")
			t.Run(b.name, func(t *testing.T) { wantCode(t, err, errs.Invalid, b.field) })
		}
		// Moving to the current parent changes nothing.
		if _, err := s.MoveUnit(ctx, sys, tr.countyB.ID, tr.city.ID, ""); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, d, "unit.move"); n != 1 {
			t.Errorf("unit.move audit events after a no-op: got %d, want 1", n)
		}
		// An office of 云溪县 cannot move its county out of its sight.
		_, err = s.MoveUnit(ctx, actor(auth.RoleOffice, tr.countyB), tr.townB.ID, tr.countyA.ID, "")
		wantCode(t, err, errs.NotFound, "")
	})
}

func TestUpdateUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		name, code, cat := "清河新区", "910103", tr.eco.ID
		u, err := s.UpdateUnit(ctx, sys, tr.countyA.ID, org.UnitUpdate{Name: &name, Code: &code, CategoryID: &cat})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != name || u.Code != code || u.CategoryID != cat || u.Path != tr.countyA.Path {
			t.Errorf("got %+v, want renamed, recoded, recategorized", u)
		}
		taken := "910121"
		_, err = s.UpdateUnit(ctx, sys, tr.countyA.ID, org.UnitUpdate{Code: &taken})
		wantCode(t, err, errs.Conflict, "code")
		deptCat := tr.econ.ID
		_, err = s.UpdateUnit(ctx, sys, tr.countyA.ID, org.UnitUpdate{CategoryID: &deptCat})
		wantCode(t, err, errs.Invalid, "category_id")
		none := int64(0)
		if u, err = s.UpdateUnit(ctx, sys, tr.countyA.ID, org.UnitUpdate{CategoryID: &none}); err != nil || u.CategoryID != 0 {
			t.Errorf("clear category: got %v %v, want 0 nil", u, err)
		}
		if n := auditCount(t, d, "unit.update"); n != 2 {
			t.Errorf("unit.update audit events: got %d, want 2", n)
		}
	})
}

func TestCreateUnitErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		tests := []struct {
			name  string
			u     org.Unit
			code  errs.Code
			field string
		}{
			{"code taken", org.Unit{ParentID: tr.city.ID, Code: "910102", Name: "重名区", Kind: org.KindRegion, Level: org.LevelCounty}, errs.Conflict, "code"},
			{"city under a city", org.Unit{ParentID: tr.city.ID, Code: "910200", Name: "平阳市", Kind: org.KindRegion, Level: org.LevelCity}, errs.Invalid, "level"},
			{"department at the wrong level", org.Unit{ParentID: tr.city.ID, Code: "CZJ", Name: "财政局", Kind: org.KindDepartment, Level: org.LevelCounty}, errs.Invalid, "level"},
			{"under a department", org.Unit{ParentID: tr.dept.ID, Code: "KS", Name: "科室", Kind: org.KindDepartment, Level: org.LevelCity}, errs.Invalid, "parent_id"},
			{"root department", org.Unit{Code: "CZJ", Name: "财政局", Kind: org.KindDepartment, Level: org.LevelProvince}, errs.Invalid, "parent_id"},
			{"department category on a region", org.Unit{ParentID: tr.city.ID, Code: "910103", Name: "望江区", Kind: org.KindRegion, Level: org.LevelCounty, CategoryID: tr.econ.ID}, errs.Invalid, "category_id"},
			{"unknown category", org.Unit{ParentID: tr.city.ID, Code: "910103", Name: "望江区", Kind: org.KindRegion, Level: org.LevelCounty, CategoryID: 12345}, errs.Invalid, "category_id"},
			{"unknown parent", org.Unit{ParentID: 12345, Code: "910103", Name: "望江区", Kind: org.KindRegion, Level: org.LevelCounty}, errs.NotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tr.s.CreateUnit(ctx, sys, tt.u)
				wantCode(t, err, tt.code, tt.field)
			})
		}
		if n := auditCount(t, d, "unit.create"); n != 7 {
			t.Errorf("unit.create audit events: got %d, want 7 (none for a failure)", n)
		}
	})
}

func TestValidate(t *testing.T) {
	okUnit := org.Unit{Code: "330102", Name: "上城区", Kind: org.KindRegion, Level: org.LevelCounty}
	okPerson := org.Person{Name: "张伟", Gender: org.Female, BirthDate: "1980-02-29", Ethnicity: "回族",
		Party: org.PartyCPC, Education: org.EducationPostgraduate, UnitID: 1}
	okPost := org.Post{PersonID: 1, UnitID: 2, Title: "副县长", Rank: org.RankViceDivision, Start: "2024-01-31"}
	okCat := org.Category{Code: "eco", Name: "生态功能区", AppliesTo: org.KindRegion}
	tests := []struct {
		name  string
		v     interface{ Validate() error }
		field string
	}{
		{"unit ok", &okUnit, ""},
		{"unit township 12 digits", with(okUnit, func(u *org.Unit) { u.Level, u.Code = org.LevelTownship, "330102001001" }), ""},
		{"unit province", with(okUnit, func(u *org.Unit) { u.Level, u.Code = org.LevelProvince, "330000" }), ""},
		{"unit department", with(okUnit, func(u *org.Unit) { u.Kind, u.Code = org.KindDepartment, "330100-TJJ" }), ""},
		{"unit no name", with(okUnit, func(u *org.Unit) { u.Name = " " }), "name"},
		{"unit name spaces", with(okUnit, func(u *org.Unit) { u.Name = "上城区 " }), "name"},
		{"unit long name", with(okUnit, func(u *org.Unit) { u.Name = strings.Repeat("区", 65) }), "name"},
		{"unit bad kind", with(okUnit, func(u *org.Unit) { u.Kind = "team" }), "kind"},
		{"unit bad level", with(okUnit, func(u *org.Unit) { u.Level = "village" }), "level"},
		{"county code of a city", with(okUnit, func(u *org.Unit) { u.Code = "330100" }), "code"},
		{"city code of a county", with(okUnit, func(u *org.Unit) { u.Level = org.LevelCity }), "code"},
		{"province code of a city", with(okUnit, func(u *org.Unit) { u.Level, u.Code = org.LevelCity, "330000" }), "code"},
		{"short code", with(okUnit, func(u *org.Unit) { u.Code = "33010" }), "code"},
		{"letters in a region code", with(okUnit, func(u *org.Unit) { u.Code = "33010A" }), "code"},
		{"township 10 digits", with(okUnit, func(u *org.Unit) { u.Level, u.Code = org.LevelTownship, "3301020010" }), "code"},
		{"department code with a space", with(okUnit, func(u *org.Unit) { u.Kind, u.Code = org.KindDepartment, "TJ J" }), "code"},
		{"department code starting with '-'", with(okUnit, func(u *org.Unit) { u.Kind, u.Code = org.KindDepartment, "-TJJ" }), "code"},
		{"negative sort", with(okUnit, func(u *org.Unit) { u.Sort = -1 }), "sort"},
		{"person ok", &okPerson, ""},
		{"person no name", with(okPerson, func(p *org.Person) { p.Name = "" }), "name"},
		{"person bad gender", with(okPerson, func(p *org.Person) { p.Gender = "m" }), "gender"},
		{"person bad birth date", with(okPerson, func(p *org.Person) { p.BirthDate = "1981-02-29" }), "birth_date"},
		{"person birth date format", with(okPerson, func(p *org.Person) { p.BirthDate = "1980/01/01" }), "birth_date"},
		{"person unknown ethnicity", with(okPerson, func(p *org.Person) { p.Ethnicity = "火星族" }), "ethnicity"},
		{"person bad party", with(okPerson, func(p *org.Person) { p.Party = "kmt" }), "party"},
		{"person bad education", with(okPerson, func(p *org.Person) { p.Education = "phd" }), "education"},
		{"person no unit", with(okPerson, func(p *org.Person) { p.UnitID = 0 }), "unit_id"},
		{"post ok", &okPost, ""},
		{"post no person", with(okPost, func(p *org.Post) { p.PersonID = 0 }), "person_id"},
		{"post no unit", with(okPost, func(p *org.Post) { p.UnitID = 0 }), "unit_id"},
		{"post no title", with(okPost, func(p *org.Post) { p.Title = "" }), "title"},
		{"post bad rank", with(okPost, func(p *org.Post) { p.Rank = "正处级" }), "rank"},
		{"post bad start", with(okPost, func(p *org.Post) { p.Start = "2024-02-30" }), "start"},
		{"post bad end", with(okPost, func(p *org.Post) { p.End = "soon" }), "end"},
		{"post end before start", with(okPost, func(p *org.Post) { p.End = "2024-01-30" }), "end"},
		{"post end on start", with(okPost, func(p *org.Post) { p.End = "2024-01-31" }), ""},
		{"category ok", &okCat, ""},
		{"category bad code", with(okCat, func(c *org.Category) { c.Code = "Eco" }), "code"},
		{"category no name", with(okCat, func(c *org.Category) { c.Name = "" }), "name"},
		{"category bad kind", with(okCat, func(c *org.Category) { c.AppliesTo = "person" }), "applies_to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			wantCode(t, err, errs.Invalid, tt.field)
			var e *errs.Error
			errors.As(err, &e)
			if e.Key == "" || e.Msg == "" {
				t.Errorf("got key %q msg %q, want both", e.Key, e.Msg)
			}
		})
	}
}

func with[T any](v T, f func(*T)) *T {
	f(&v)
	return &v
}

func TestPostHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		p := tr.personA
		// A concurrent post beside the primary one.
		con := must[*org.Post](t)(s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "街道党工委第一书记",
			Rank: org.RankDivision, Concurrent: true, Start: "2023-06-01"}))
		// A transfer: the new primary post ends both.
		next := must[*org.Post](t)(s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.countyB.ID, Title: "县长",
			Rank: org.RankDivision, Team: true, Sort: 2, Start: "2024-09-15"}))
		got := must[*org.Person](t)(s.Person(ctx, sys, p.ID))
		if got.UnitID != tr.countyB.ID || got.UnitName != "云溪县" || got.Title != "县长" || got.Rank != org.RankDivision {
			t.Errorf("person after transfer: got unit %d %s title %s, want 云溪县 县长", got.UnitID, got.UnitName, got.Title)
		}
		type row struct{ title, start, end string }
		var hist []row
		for _, po := range got.Posts {
			hist = append(hist, row{po.Title, po.Start, po.End})
		}
		want := []row{{"县长", "2024-09-15", ""}, {"街道党工委第一书记", "2023-06-01", "2024-09-15"}, {"区委书记", "2023-03-01", "2024-09-15"}}
		if len(hist) != len(want) {
			t.Fatalf("history: got %v, want %v", hist, want)
		}
		for i := range want {
			if hist[i] != want[i] {
				t.Errorf("history[%d]: got %v, want %v", i, hist[i], want[i])
			}
		}
		if got.Posts[0].ID != next.ID || got.Posts[1].ID != con.ID {
			t.Errorf("history ids: got %d %d, want %d %d", got.Posts[0].ID, got.Posts[1].ID, next.ID, con.ID)
		}
		// A post cannot start before the one it ends.
		_, err := s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.countyA.ID, Title: "区长", Rank: org.RankDivision, Start: "2024-09-01"})
		wantCode(t, err, errs.Invalid, "start")
		// Past history can be recorded without touching the current post.
		must[*org.Post](t)(s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "街道办事处主任",
			Rank: org.RankSection, Start: "2019-01-01", End: "2023-03-01"}))
		got = must[*org.Person](t)(s.Person(ctx, sys, p.ID))
		if len(got.Posts) != 4 || got.UnitID != tr.countyB.ID || got.Title != "县长" {
			t.Errorf("after a past post: got %d posts, unit %d, title %s; want 4, 云溪县, 县长", len(got.Posts), got.UnitID, got.Title)
		}
		// Teams: 云溪县 has its 县委书记 and, from 2024-09-15, the 县长.
		team := must[*org.Team](t)(s.Team(ctx, sys, tr.countyB.ID, ""))
		if got := members(team); got != "李明 县委书记,王建国 县长" {
			t.Errorf("team now: got %s, want 李明 县委书记,王建国 县长", got)
		}
		team = must[*org.Team](t)(s.Team(ctx, sys, tr.countyB.ID, "2024-09-14"))
		if got := members(team); got != "李明 县委书记" {
			t.Errorf("team on 2024-09-14: got %s, want 李明 县委书记", got)
		}
		team = must[*org.Team](t)(s.Team(ctx, sys, tr.countyA.ID, "2024-01-01"))
		if got := members(team); got != "王建国 区委书记" || team.Members[0].Person.UnitName != "云溪县" {
			t.Errorf("team of 清河区 on 2024-01-01: got %s, want 王建国 区委书记 now placed in 云溪县", got)
		}
		_, err = s.Team(ctx, sys, tr.countyB.ID, "2024-13-01")
		wantCode(t, err, errs.Invalid, "on")
		// Ending a post.
		ended := must[*org.Post](t)(s.EndPost(ctx, sys, next.ID, "2025-12-31", "退休"))
		if ended.End != "2025-12-31" {
			t.Errorf("ended: got %q, want 2025-12-31", ended.End)
		}
		_, err = s.EndPost(ctx, sys, next.ID, "2026-01-31", "")
		wantCode(t, err, errs.Conflict, "")
		_, err = s.EndPost(ctx, sys, tr.postB.ID, "2020-01-01", "")
		wantCode(t, err, errs.Invalid, "end")
		got = must[*org.Person](t)(s.Person(ctx, sys, p.ID))
		if got.Title != "" || got.UnitID != tr.countyB.ID {
			t.Errorf("after retirement: got title %q unit %d, want none, still placed in 云溪县", got.Title, got.UnitID)
		}
		serving, n, err := s.FindPeople(ctx, sys, org.PersonFilter{Serving: true})
		if err != nil || n != 1 || serving[0].ID != tr.personB.ID {
			t.Errorf("serving people: got %d, %v; want only 李明", n, err)
		}
		for action, want := range map[string]int{"person.create": 2, "post.assign": 5, "post.end": 1} {
			if n := auditCount(t, d, action); n != want {
				t.Errorf("%s audit events: got %d, want %d", action, n, want)
			}
		}
	})
}

func members(t *org.Team) string {
	var b []string
	for _, m := range t.Members {
		b = append(b, m.Person.Name+" "+m.Post.Title)
	}
	return strings.Join(b, ",")
}

func TestPeople(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		for i, name := range []string{"赵一", "钱二", "孙三"} {
			p := must[*org.Person](t)(s.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Female, BirthDate: "1985-01-01",
				Ethnicity: "汉族", Party: org.PartyNone, Education: org.EducationCollege, UnitID: tr.townA.ID}))
			must[*org.Post](t)(s.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: tr.townA.ID, Title: "副主任",
				Rank: org.RankViceSection, Team: true, Sort: 10 - i, Start: "2024-01-01"}))
		}
		ps, n, err := s.FindPeople(ctx, sys, org.PersonFilter{Under: tr.countyA.ID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.Name+"/"+p.Title)
		}
		// The county before its township; within the township by post order.
		if want := "王建国/区委书记,孙三/副主任,钱二/副主任,赵一/副主任"; strings.Join(got, ",") != want || n != 4 {
			t.Errorf("people under 清河区: got %v (%d), want %s (4)", got, n, want)
		}
		ps, n, _ = s.FindPeople(ctx, sys, org.PersonFilter{Under: tr.countyA.ID, Limit: 2, Offset: 1})
		if len(ps) != 2 || n != 4 || ps[0].Name != "孙三" {
			t.Errorf("page 2 of 2: got %d rows of %d starting %v, want 2 of 4 starting 孙三", len(ps), n, ps)
		}
		ps, n, _ = s.FindPeople(ctx, sys, org.PersonFilter{Name: "钱"})
		if n != 1 || ps[0].Name != "钱二" {
			t.Errorf("name search: got %d, want 钱二", n)
		}
		// Update personal fields.
		p := *tr.personB
		p.Name, p.Education = "李明华", org.EducationPostgraduate
		up := must[*org.Person](t)(s.UpdatePerson(ctx, sys, p))
		if up.Name != "李明华" || up.UnitID != tr.countyB.ID {
			t.Errorf("updated: got %+v", up)
		}
		p.Gender = "x"
		_, err = s.UpdatePerson(ctx, sys, p)
		wantCode(t, err, errs.Invalid, "gender")
		_, err = s.Person(ctx, sys, 424242)
		wantCode(t, err, errs.NotFound, "")
		if n := auditCount(t, d, "person.update"); n != 1 {
			t.Errorf("person.update audit events: got %d, want 1", n)
		}
	})
}

// TestScope checks what actors scoped to one county may see and do.
func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		officeA := actor(auth.RoleOffice, tr.countyA)
		viewerA := actor(auth.RoleViewer, tr.countyA)
		providerA := actor(auth.RoleProvider, tr.countyA)
		cadre := actor(auth.RoleCadre, tr.countyB)
		cadre.PersonID = tr.personB.ID
		name := "改名"
		tests := []struct {
			name string
			do   func() error
			want errs.Code
		}{
			{"office A reads county A", func() error { _, err := s.Unit(ctx, officeA, tr.countyA.ID); return err }, ""},
			{"office A reads township A", func() error { _, err := s.Unit(ctx, officeA, tr.townA.ID); return err }, ""},
			{"office A reads county B", func() error { _, err := s.Unit(ctx, officeA, tr.countyB.ID); return err }, errs.NotFound},
			{"office A reads the city", func() error { _, err := s.Unit(ctx, officeA, tr.city.ID); return err }, errs.NotFound},
			{"office A lists county B's children", func() error { _, err := s.Children(ctx, officeA, tr.countyB.ID); return err }, errs.NotFound},
			{"office A renames county B", func() error {
				_, err := s.UpdateUnit(ctx, officeA, tr.countyB.ID, org.UnitUpdate{Name: &name})
				return err
			}, errs.NotFound},
			{"office A adds a township to county B", func() error {
				_, err := s.CreateUnit(ctx, officeA, org.Unit{ParentID: tr.countyB.ID, Code: "910121102", Name: "新镇", Kind: org.KindRegion, Level: org.LevelTownship})
				return err
			}, errs.NotFound},
			{"office A adds a township to county A", func() error {
				_, err := s.CreateUnit(ctx, officeA, org.Unit{ParentID: tr.countyA.ID, Code: "910102002", Name: "西门街道", Kind: org.KindRegion, Level: org.LevelTownship})
				return err
			}, ""},
			{"office A adds a root", func() error {
				_, err := s.CreateUnit(ctx, officeA, org.Unit{Code: "920000", Name: "江北省", Kind: org.KindRegion, Level: org.LevelProvince})
				return err
			}, errs.NotFound},
			{"viewer A renames county A", func() error {
				_, err := s.UpdateUnit(ctx, viewerA, tr.countyA.ID, org.UnitUpdate{Name: &name})
				return err
			}, errs.Forbidden},
			{"office A reads person A", func() error { _, err := s.Person(ctx, officeA, tr.personA.ID); return err }, ""},
			{"office A reads person B", func() error { _, err := s.Person(ctx, officeA, tr.personB.ID); return err }, errs.NotFound},
			// A provider reads no person: it is not told that one exists.
			{"provider A reads person A", func() error { _, err := s.Person(ctx, providerA, tr.personA.ID); return err }, errs.NotFound},
			{"office A moves person B into county A", func() error {
				_, err := s.AssignPost(ctx, officeA, org.Post{PersonID: tr.personB.ID, UnitID: tr.countyA.ID, Title: "区长", Rank: org.RankDivision, Start: "2025-01-01"})
				return err
			}, errs.NotFound},
			{"office A ends person B's post", func() error { _, err := s.EndPost(ctx, officeA, tr.postB.ID, "2025-01-01", ""); return err }, errs.NotFound},
			{"viewer A ends person A's post", func() error { _, err := s.EndPost(ctx, viewerA, tr.postA.ID, "2025-01-01", ""); return err }, errs.Forbidden},
			{"office A reads county B's team", func() error { _, err := s.Team(ctx, officeA, tr.countyB.ID, ""); return err }, errs.NotFound},
			{"office A lists people under county B", func() error {
				_, _, err := s.FindPeople(ctx, officeA, org.PersonFilter{Under: tr.countyB.ID})
				return err
			}, errs.NotFound},
			{"office A searches units under county B", func() error {
				_, _, err := s.FindUnits(ctx, officeA, org.UnitFilter{Under: tr.countyB.ID})
				return err
			}, errs.NotFound},
			{"cadre B reads self", func() error { _, err := s.Person(ctx, cadre, tr.personB.ID); return err }, ""},
			{"cadre B reads person A", func() error { _, err := s.Person(ctx, cadre, tr.personA.ID); return err }, errs.NotFound},
			{"cadre B reads own county", func() error { _, err := s.Unit(ctx, cadre, tr.countyB.ID); return err }, ""},
			{"cadre B reads own township", func() error { _, err := s.Unit(ctx, cadre, tr.townB.ID); return err }, errs.NotFound},
			{"office A changes a category used in county B", func() error {
				c := *tr.eco
				c.Name = "生态区"
				_, err := s.UpdateCategory(ctx, officeA, c)
				return err
			}, errs.Forbidden},
			{"office A changes a category used only in county A", func() error {
				c := *tr.urban
				c.Name = "城区"
				_, err := s.UpdateCategory(ctx, officeA, c)
				return err
			}, ""},
			{"viewer A adds a category", func() error {
				_, err := s.CreateCategory(ctx, viewerA, org.Category{Code: "x", Name: "x", AppliesTo: org.KindRegion})
				return err
			}, errs.Forbidden},
			{"nobody lists categories", func() error { _, err := s.Categories(ctx, nil, ""); return err }, errs.Unauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.do()
				if got := errs.CodeOf(err); got != tt.want {
					t.Errorf("got %q (%v), want %q", got, err, tt.want)
				}
			})
		}
		us, n := must2(t)(s.FindUnits(ctx, officeA, org.UnitFilter{}))
		if got := names(us); n != 3 || !strings.Contains(got, "清河区") || strings.Contains(got, "云溪县") {
			t.Errorf("units for office A: got %s (%d), want 清河区 and its 2 townships", got, n)
		}
		ps, n, err := s.FindPeople(ctx, officeA, org.PersonFilter{})
		if err != nil || n != 1 || ps[0].ID != tr.personA.ID {
			t.Errorf("people for office A: got %d (%v), want only 王建国", n, err)
		}
		ps, n, err = s.FindPeople(ctx, cadre, org.PersonFilter{})
		if err != nil || n != 1 || ps[0].ID != tr.personB.ID {
			t.Errorf("people for cadre B: got %d (%v), want only self", n, err)
		}
		// CountPeople counts what FindPeople lists, for each actor.
		for _, c := range []struct {
			name string
			a    *auth.Actor
			f    org.PersonFilter
			want int
		}{
			{"office A", officeA, org.PersonFilter{}, 1},
			{"office A serving", officeA, org.PersonFilter{Serving: true}, 1},
			{"cadre B", cadre, org.PersonFilter{}, 1},
			{"cadre B under another county", cadre, org.PersonFilter{Under: tr.countyA.ID}, 0},
			{"office A by a name it lacks", officeA, org.PersonFilter{Name: "李"}, 0},
		} {
			n, err := s.CountPeople(ctx, c.a, c.f)
			if _, total, _ := s.FindPeople(ctx, c.a, c.f); err != nil || n != c.want || n != total {
				t.Errorf("%s: CountPeople = %d (%v), FindPeople total %d, want %d", c.name, n, err, total, c.want)
			}
		}
		us, n = must2(t)(s.FindUnits(ctx, cadre, org.UnitFilter{}))
		if n != 1 || us[0].ID != tr.countyB.ID {
			t.Errorf("units for cadre B: got %s, want only 云溪县", names(us))
		}
		us, n = must2(t)(s.FindUnits(ctx, cadre, org.UnitFilter{Under: tr.countyB.ID}))
		if n != 1 || us[0].ID != tr.countyB.ID {
			t.Errorf("units under own county for cadre B: got %s, want only 云溪县", names(us))
		}
		kids := must[[]*org.Unit](t)(s.Children(ctx, cadre, tr.countyB.ID))
		if len(kids) != 0 {
			t.Errorf("children for cadre B: got %s, want none (own unit only)", names(kids))
		}
		// A search above the actor's scope sees only what is in scope.
		us, _ = must2(t)(s.FindUnits(ctx, officeA, org.UnitFilter{Under: tr.city.ID, Level: org.LevelCounty}))
		if got := names(us); got != "清河区" {
			t.Errorf("counties under the city for office A: got %s, want 清河区", got)
		}
	})
}

func TestFindUnits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		tests := []struct {
			f    org.UnitFilter
			want string
		}{
			{org.UnitFilter{Query: "统计"}, "青州市统计局"},
			{org.UnitFilter{Query: "910121"}, "云溪县,石桥镇"},
			{org.UnitFilter{Query: "%"}, ""},
			{org.UnitFilter{Kind: org.KindDepartment}, "青州市统计局"},
			{org.UnitFilter{Level: org.LevelTownship, Under: tr.countyB.ID}, "石桥镇"},
			{org.UnitFilter{CategoryID: tr.eco.ID}, "云溪县"},
		}
		for _, tt := range tests {
			us, n := must2(t)(tr.s.FindUnits(ctx, sys, tt.f))
			if got := names(us); got != tt.want || n != len(us) {
				t.Errorf("FindUnits(%+v): got %s (%d), want %s", tt.f, got, n, tt.want)
			}
		}
	})
}

func TestCategories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tr := newTree(t, d)
		s := tr.s
		all := must[[]*org.Category](t)(s.Categories(ctx, sys, ""))
		if len(all) != 3 || all[0].AppliesTo != org.KindRegion {
			t.Errorf("categories: got %d, want 3, regions first", len(all))
		}
		deps := must[[]*org.Category](t)(s.Categories(ctx, actor(auth.RoleViewer, tr.countyA), org.KindDepartment))
		if len(deps) != 1 || deps[0].Code != "econ" {
			t.Errorf("department categories: got %v, want econ", deps)
		}
		_, err := s.CreateCategory(ctx, sys, org.Category{Code: "eco", Name: "重复", AppliesTo: org.KindRegion})
		wantCode(t, err, errs.Conflict, "code")
		agri := must[*org.Category](t)(s.CreateCategory(ctx, sys, org.Category{Code: "agri", Name: "农业主产区", AppliesTo: org.KindRegion, Sort: 2}))
		agri.Description = "粮食生产功能区"
		agri.AppliesTo = org.KindDepartment
		agri = must[*org.Category](t)(s.UpdateCategory(ctx, sys, *agri))
		if agri.AppliesTo != org.KindDepartment || agri.Description != "粮食生产功能区" {
			t.Errorf("updated unused category: got %+v", agri)
		}
		eco := *tr.eco
		eco.AppliesTo = org.KindDepartment
		_, err = s.UpdateCategory(ctx, sys, eco)
		wantCode(t, err, errs.Invalid, "applies_to")
		wantCode(t, s.DeleteCategory(ctx, sys, tr.eco.ID), errs.Conflict, "")
		if err := s.DeleteCategory(ctx, sys, agri.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.Category(ctx, sys, agri.ID)
		wantCode(t, err, errs.NotFound, "")
		for action, want := range map[string]int{"category.create": 4, "category.update": 1, "category.delete": 1} {
			if n := auditCount(t, d, action); n != want {
				t.Errorf("%s audit events: got %d, want %d", action, n, want)
			}
		}
	})
}
