package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/session"
)

// fixture is a small jurisdiction with one user per role, each granted in
// city A (the county for the data provider, the county's own unit for the
// cadre), and objects inside and outside each one's sight:
//
//	浙江省 330000
//	├── 甲市 330100            ← office, team, supervisor, viewer
//	│   ├── 甲市统计局 330100-TJJ
//	│   └── 甲县 330102        ← provider, cadre (张三 holds a post here)
//	│       └── 城关镇 330102001
//	└── 乙市 330200
//	    └── 乙县 330202        (李四 holds a post here: outside everyone's sight)
type fixture struct {
	db    *db.DB
	clock *dbtest.Clock
	srv   *Server
	ts    *httptest.Server
	units map[string]*org.Unit // by code
	// inPerson is 张三 in 甲县; outPerson is 李四 in 乙县.
	inPerson, outPerson *org.Person
	users               map[auth.Role]*auth.User
	logs                *strings.Builder
}

// password is every fixture user's password.
const password = "correct-horse-battery"

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := dbtest.NewClock()
	d.Clock = clock.Now
	sys := auth.SystemActor("test")
	orgs := org.NewService(d, auth.Policy{})
	f := &fixture{db: d, clock: clock, units: map[string]*org.Unit{}, users: map[auth.Role]*auth.User{}}
	unit := func(parent, code, name string, kind org.Kind, level org.Level) {
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != "" {
			u.ParentID = f.units[parent].ID
		}
		got, err := orgs.CreateUnit(ctx, sys, u)
		if err != nil {
			t.Fatalf("create unit %s: %v", code, err)
		}
		f.units[code] = got
	}
	unit("", "330000", "浙江省", org.KindRegion, org.LevelProvince)
	unit("330000", "330100", "甲市", org.KindRegion, org.LevelCity)
	unit("330100", "330100-TJJ", "甲市统计局", org.KindDepartment, org.LevelCity)
	unit("330100", "330102", "甲县", org.KindRegion, org.LevelCounty)
	unit("330102", "330102001", "城关镇", org.KindRegion, org.LevelTownship)
	unit("330000", "330200", "乙市", org.KindRegion, org.LevelCity)
	unit("330200", "330202", "乙县", org.KindRegion, org.LevelCounty)

	person := func(name, code, title string) *org.Person {
		p, err := orgs.CreatePerson(ctx, sys, org.Person{
			Name: name, Gender: org.Male, BirthDate: "1975-06-01", Ethnicity: "汉族",
			Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.units[code].ID,
		})
		if err != nil {
			t.Fatalf("create person %s: %v", name, err)
		}
		if _, err := orgs.AssignPost(ctx, sys, org.Post{
			PersonID: p.ID, UnitID: f.units[code].ID, Title: title, Rank: org.RankDivision,
			Team: true, Start: "2021-09-01",
		}); err != nil {
			t.Fatalf("assign post to %s: %v", name, err)
		}
		return p
	}
	f.inPerson = person("张三", "330102", "县委书记")
	f.outPerson = person("李四", "330202", "县长")

	as := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
	grantUnit := map[auth.Role]string{
		auth.RoleOffice: "330100", auth.RoleTeam: "330100", auth.RoleProvider: "330102",
		auth.RoleSupervisor: "330100", auth.RoleCadre: "330102", auth.RoleViewer: "330100",
		auth.RoleServiceReview: "330102",
	}
	for _, role := range auth.Roles {
		nu := auth.NewUser{
			Login: string(role), Name: "用户" + string(role), Password: password,
			Grants: []auth.Grant{{Role: role, UnitID: f.units[grantUnit[role]].ID}},
		}
		if role == auth.RoleCadre {
			nu.PersonID = f.inPerson.ID
		}
		u, err := as.AddUser(ctx, sys, nu)
		if err != nil {
			t.Fatalf("add user %s: %v", role, err)
		}
		f.users[role] = u
	}
	f.start(t)
	return f
}

// start serves the fixture's database on a loopback test server.
func (f *fixture) start(t *testing.T) {
	t.Helper()
	f.logs = &strings.Builder{}
	srv, err := New(Config{DB: f.db, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: f.logs}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
}

// client returns an HTTP client with its own cookie jar that does not
// follow redirects, so tests see them.
func (f *fixture) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// signIn signs login in through the form and returns the client.
func (f *fixture) signIn(t *testing.T, login string) *http.Client {
	t.Helper()
	return f.signInWith(t, login, password)
}

// signInWith signs login in with pw.
func (f *fixture) signInWith(t *testing.T, login, pw string) *http.Client {
	t.Helper()
	c := f.client(t)
	res := f.post(t, c, "/signin", url.Values{"login": {login}, "password": {pw}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: got status %d, want 303", login, res.StatusCode)
	}
	return c
}

// get fetches path and returns the response with its body read.
func (f *fixture) get(t *testing.T, c *http.Client, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// post submits a form as a same-origin browser would.
func (f *fixture) post(t *testing.T, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", f.ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// sessionCookie returns the client's session cookie for the test server.
func (f *fixture) sessionCookie(t *testing.T, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(f.ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.CookieName {
			return ck.Value
		}
	}
	return ""
}
