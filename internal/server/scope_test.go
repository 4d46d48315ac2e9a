package server

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// lockedWriter lets the server's logger write from many goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// object says which object a route is asked about.
type object int

const (
	none object = iota // the route names no object
	in                 // an object inside the actor's jurisdiction
	out                // an object outside it
)

func (o object) String() string { return [...]string{"-", "in-scope", "out-of-scope"}[o] }

// route is a page or endpoint with the status each role gets.
type route struct {
	// path has %s where the object's id goes; unit routes take a unit,
	// person routes a person, scheme routes a scheme, finding routes a
	// supervision finding.
	path    string
	person  bool
	scheme  bool
	finding bool
	htmx    bool
	obj     object
	// want is the status per role; roles absent get all.
	want map[auth.Role]int
	all  int
}

// The roles.
const (
	office     = auth.RoleOffice
	team       = auth.RoleTeam
	provider   = auth.RoleProvider
	supervisor = auth.RoleSupervisor
	cadre      = auth.RoleCadre
	viewer     = auth.RoleViewer
	// serviceReview is the 好差评管理员 of 甲县.
	serviceReview = auth.RoleServiceReview
)

// officeOnly is 200 for the assessment office and 403 for every other
// role: they see their units but may not manage users or read the log.
var officeOnly = map[auth.Role]int{office: 200, team: 403, provider: 403, supervisor: 403, cadre: 403, viewer: 403, serviceReview: 403}

// itemOwner is who may list a department's items: the office; its
// provider, who submits their values, is refused (403); the others are
// not told of the department's items (decision 0161).
var itemOwner = map[auth.Role]int{office: 200, team: 404, provider: 403, supervisor: 404, cadre: 404, viewer: 404, serviceReview: 404}

// evalRead is who may see evaluations: the office, the inspection team and
// viewers; the others see the unit but not its evaluations.
var evalRead = map[auth.Role]int{office: 200, team: 200, provider: 403, supervisor: 403, cadre: 403, viewer: 200, serviceReview: 403}

// evalUnit is evalRead for the evaluations of a unit named in the query:
// who may do nothing with evaluations is told of none (decision 0161).
var evalUnit = map[auth.Role]int{office: 200, team: 200, provider: 404, supervisor: 404, cadre: 404, viewer: 200, serviceReview: 404}

// collectGrid is who may open a department's collection grid: the office
// above it and its provider; who may do nothing with its items is not
// told of the department's (decision 0161). collectWatch is who may see
// collection status.
var (
	collectGrid  = map[auth.Role]int{office: 200, team: 404, provider: 200, supervisor: 404, cadre: 404, viewer: 404, serviceReview: 404}
	collectWatch = map[auth.Role]int{office: 200, team: 403, provider: 403, supervisor: 403, cadre: 403, viewer: 200, serviceReview: 403}
)

// findingRead is who reads findings: the office (every finding about its
// scope), the supervisory body (its own) and the cadre (those notified to
// her); the others see the unit but no findings. findingObject is who reads
// a finding in its scope — the finding of the fixture, recorded by 甲市's
// supervisor about 甲县 naming 张三 and notified: the others get 404, not
// 403, since that a finding exists is itself sensitive. findingWrite is who
// records them: the body.
var (
	findingRead   = map[auth.Role]int{office: 200, team: 403, provider: 403, supervisor: 200, cadre: 200, viewer: 403, serviceReview: 403}
	findingObject = map[auth.Role]int{office: 200, team: 404, provider: 404, supervisor: 200, cadre: 200, viewer: 404, serviceReview: 404}
	findingWrite  = map[auth.Role]int{office: 403, team: 403, provider: 403, supervisor: 200, cadre: 403, viewer: 403, serviceReview: 403}
	// reviewRead is who reads 好差评 pages: the office, leaders and the
	// unit's service-review administrator; reviewDecide the office alone.
	// reviewUnit is reviewRead for a unit's page, whose path or query
	// names the unit: a refusal reads as not found (decision 0161).
	reviewRead   = map[auth.Role]int{office: 200, team: 403, provider: 403, supervisor: 403, cadre: 403, viewer: 200, serviceReview: 200}
	reviewUnit   = map[auth.Role]int{office: 200, team: 404, provider: 404, supervisor: 404, cadre: 404, viewer: 200, serviceReview: 200}
	reviewDecide = map[auth.Role]int{office: 200, team: 403, provider: 403, supervisor: 403, cadre: 403, viewer: 403, serviceReview: 403}
	// reviewUnitDecide is reviewDecide for a unit named in the query: who
	// may do nothing with its 好差评 is told of none (decision 0161).
	reviewUnitDecide = map[auth.Role]int{office: 200, team: 404, provider: 404, supervisor: 404, cadre: 404, viewer: 403, serviceReview: 403}
)

// routes lists every page and API endpoint that reads. Out-of-scope
// objects answer 404 for every role, never 403, so that probing reveals
// nothing.
var routes = []route{
	{path: "/", all: 200},
	{path: "/units", all: 200},
	{path: "/units/search?q=%E5%8E%BF", all: 200},
	{path: "/password", all: 200},
	{path: "/users", want: officeOnly},
	{path: "/audit", want: officeOnly},
	{path: "/units/%s", obj: in, all: 200},
	{path: "/units/%s", obj: out, all: 404},
	{path: "/units/%s/children", htmx: true, obj: in, all: 200},
	{path: "/units/%s/children", htmx: true, obj: out, all: 404},
	// A data provider sees units, not people: one it may not read is
	// not found, as one that is not there.
	{path: "/people/%s", person: true, obj: in, all: 200, want: map[auth.Role]int{provider: 404, serviceReview: 404}},
	{path: "/people/%s", person: true, obj: out, all: 404},
	// The roster lists the people each may read: none for a provider.
	{path: "/people", all: 200},
	{path: "/people?q=%E5%BC%A0", all: 200},

	// Evaluations: the office manages them; the inspection team and
	// viewers read their results.
	{path: "/evaluations", want: evalRead},
	{path: "/evaluations?unit=%s", obj: in, want: evalUnit},
	{path: "/evaluations?unit=%s", obj: out, all: 404},

	// Assessment cycles: every role may list them (the list holds what it
	// may see); the pages of one cycle are in cycle_test.go.
	{path: "/cycles", all: 200},
	{path: "/api/v1/cycles", all: 200},

	{path: "/api/v1/me", all: 200},
	{path: "/api/v1/units", all: 200},
	{path: "/api/v1/units?q=%E5%8E%BF", all: 200},
	{path: "/api/v1/users", want: officeOnly},
	{path: "/api/v1/units/%s", obj: in, all: 200},
	{path: "/api/v1/units/%s", obj: out, all: 404},
	{path: "/api/v1/units/%s/children", obj: in, all: 200},
	{path: "/api/v1/units/%s/children", obj: out, all: 404},
	// The provider's list of people is empty scope: the service answers
	// not found for the unit's people, as for any unit outside its sight.
	{path: "/api/v1/units/%s/cadres", obj: in, all: 200, want: map[auth.Role]int{provider: 404, serviceReview: 404}},
	{path: "/api/v1/units/%s/cadres", obj: out, all: 404},
	{path: "/api/v1/cadres/%s", person: true, obj: in, all: 200, want: map[auth.Role]int{provider: 404, serviceReview: 404}},
	{path: "/api/v1/cadres/%s", person: true, obj: out, all: 404},

	// Schemes: the office, the inspection team and viewers read them; the
	// others see the unit that owns a scheme (403) or not even that (404).
	{path: "/schemes", want: schemeRead},
	{path: "/indicators", want: schemeRead},
	{path: "/schemes/streamline", want: schemeRead},
	{path: "/schemes/%s", scheme: true, obj: in, want: schemeObject},
	{path: "/schemes/%s", scheme: true, obj: out, all: 404},
	{path: "/schemes/%s/versions/2", scheme: true, obj: in, want: schemeObject},
	{path: "/schemes/%s/versions/1", scheme: true, obj: out, all: 404},
	{path: "/schemes/%s/diff?from=1&to=2", scheme: true, obj: in, want: schemeObject},
	{path: "/schemes/%s/diff?from=1&to=2", scheme: true, obj: out, all: 404},
	{path: "/schemes/%s/versions/1/export.xlsx", scheme: true, obj: in, want: schemeObject},
	{path: "/schemes/%s/versions/1/export.json", scheme: true, obj: in, want: schemeObject},
	{path: "/schemes/%s/versions/1/export.xlsx", scheme: true, obj: out, all: 404},
	{path: "/api/v1/schemes", all: 200},
	{path: "/collect", all: 200},
	{path: "/collect?owner=%s&period=2025", obj: in, want: collectGrid},
	{path: "/collect?owner=%s&period=2025", obj: out, all: 404},
	{path: "/collect/status", want: collectWatch},
	{path: "/collect/status?unit=%s&period=2025", obj: in, want: collectWatch},
	{path: "/collect/status?unit=%s&period=2025", obj: out, all: 404},
	{path: "/collect/status/reminders.xlsx?unit=%s&period=2025", obj: in, want: collectWatch},
	{path: "/collect/status/reminders.xlsx?unit=%s&period=2025", obj: out, all: 404},
	// Data items: the office manages those of the departments under it;
	// the other roles see the unit (403) or not (404). The pages of one
	// item and the value history are in item_scope_test.go.
	{path: "/items", want: officeOnly},
	{path: "/items?owner=%s", obj: in, want: itemOwner},
	{path: "/items?owner=%s", obj: out, all: 404},
	{path: "/items?owner=%s&frequency=annual", obj: in, want: itemOwner},
	{path: "/items/new", want: officeOnly},
	// API tokens: every signed-in user manages its own.
	{path: "/tokens", all: 200},
	{path: "/api/v1/indicators", want: schemeRead},
	{path: "/api/v1/streamline", want: schemeRead},
	{path: "/api/v1/schemes/%s", scheme: true, obj: in, want: schemeObject},
	{path: "/api/v1/schemes/%s", scheme: true, obj: out, all: 404},
	{path: "/api/v1/schemes/%s/versions/2", scheme: true, obj: in, want: schemeObject},
	{path: "/api/v1/schemes/%s/versions/1", scheme: true, obj: out, all: 404},
	{path: "/api/v1/schemes/%s/diff?from=1&to=2", scheme: true, obj: in, want: schemeObject},
	{path: "/api/v1/schemes/%s/diff?from=1&to=2", scheme: true, obj: out, all: 404},

	// Supervision findings: docs/decisions/0110-findings.md.
	{path: "/findings", want: findingRead},
	{path: "/findings?unit=%s", obj: in, want: findingRead},
	{path: "/findings?unit=%s", obj: out, all: 404},
	{path: "/findings?severity=minor&from=2025-01-01&to=2025-12-31", want: findingRead},
	{path: "/findings?transfer=sent", want: findingRead},
	{path: "/findings?transfer=none", want: findingRead},
	{path: "/findings/export.xlsx", want: findingRead},
	{path: "/findings/template.xlsx", want: findingWrite},
	{path: "/findings/%s", finding: true, obj: in, want: findingObject},
	{path: "/findings/%s", finding: true, obj: out, all: 404},
	{path: "/api/v1/findings", want: findingRead},
	{path: "/api/v1/findings?unit=%s", obj: in, want: findingRead},
	{path: "/api/v1/findings?unit=%s", obj: out, all: 404},
	{path: "/api/v1/findings?transfer=handled", want: findingRead},
	{path: "/api/v1/findings/%s", finding: true, obj: in, want: findingObject},
	{path: "/api/v1/findings/%s", finding: true, obj: out, all: 404},
	// Sanctions and follow-ups: docs/decisions/0114-sanctions-and-follow-ups.md.
	// The office's page; a cadre reads hers on her own page.
	{path: "/sanctions", want: officeOnly},
	// 政务服务"好差评": docs/decisions/0130-service-reviews.md.
	{path: "/review?unit=%s", obj: in, want: reviewUnit},
	{path: "/review?unit=%s", obj: out, all: 404},
	{path: "/review/units/%s", obj: in, want: reviewUnit},
	{path: "/review/units/%s", obj: out, all: 404},
	{path: "/review/orders", want: reviewRead},
	{path: "/review/orders?unit=%s", obj: in, want: reviewUnit},
	{path: "/review/orders?unit=%s", obj: out, all: 404},
	{path: "/review/orders.xlsx", want: reviewRead},
	{path: "/review/held", want: reviewDecide},
	{path: "/review/held.xlsx", want: reviewDecide},
	{path: "/review/config?unit=%s", obj: in, want: reviewUnitDecide},
	{path: "/review/config?unit=%s", obj: out, all: 404},
}

// TestRoleScope asks every page and endpoint as every role about an
// object in its jurisdiction and one outside it.
func TestRoleScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clients := map[auth.Role]*http.Client{}
		for _, role := range auth.Roles {
			clients[role] = f.signIn(t, string(role))
		}
		inScheme, outScheme := schemeObjects(t, f)
		inFinding, outFinding := findingObjects(t, f)
		objects := func(auth.Role) scopeObjects {
			return scopeObjects{
				inUnit: f.units["330102"].ID, inUnitName: "甲县", outUnit: f.units["330202"].ID,
				inPerson: f.inPerson.ID, inPersonName: "张三", outPerson: f.outPerson.ID,
				inScheme: inScheme, inSchemeName: "甲市县区考核", outScheme: outScheme,
				inFinding: inFinding, inFindingName: "会议记录不全", outFinding: outFinding,
			}
		}
		checkRoutes(t, f, clients, objects)
		// Anonymous: pages send to sign-in, the API answers 401.
		anon := f.client(t)
		for _, p := range []string{"/", "/units", "/users", "/audit"} {
			res, _ := f.get(t, anon, p)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
				t.Errorf("anonymous GET %s: got %d to %q, want 303 to /signin", p, res.StatusCode, res.Header.Get("Location"))
			}
		}
		for _, p := range []string{"/api/v1/me", "/api/v1/units", "/api/v1/users"} {
			res, body := f.get(t, anon, p)
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
				t.Errorf("anonymous GET %s: got %d %s, want 401 unauthorized", p, res.StatusCode, body)
			}
		}
	})
}

// scopeObjects are the objects one role is asked about: a unit and a
// person inside its jurisdiction, and outside it (0 when the role's
// jurisdiction is everything).
type scopeObjects struct {
	inUnit, outUnit, inPerson, outPerson int64
	inUnitName, inPersonName             string
	// inScheme is a scheme of 甲市 (two versions), outScheme one of 乙市.
	inScheme, outScheme int64
	inSchemeName        string
	// inFinding is a finding the role's jurisdiction holds, outFinding
	// one outside it (or another body's).
	inFinding, outFinding int64
	inFindingName         string
}

// checkRoutes asks every route as every role and checks the status.
func checkRoutes(t *testing.T, f *fixture, clients map[auth.Role]*http.Client, objects func(auth.Role) scopeObjects) {
	t.Helper()
	for _, rt := range routes {
		for role, c := range clients {
			want, ok := rt.want[role]
			if !ok {
				want = rt.all
			}
			obj := objects(role)
			path, text := rt.path, ""
			if rt.obj != none {
				var id int64
				switch {
				case rt.person && rt.obj == in:
					id, text = obj.inPerson, obj.inPersonName
				case rt.person:
					id = obj.outPerson
				case rt.scheme && rt.obj == in:
					id, text = obj.inScheme, obj.inSchemeName
				case rt.scheme:
					id = obj.outScheme
				case rt.finding && rt.obj == in:
					id, text = obj.inFinding, obj.inFindingName
				case rt.finding:
					id = obj.outFinding
				case rt.obj == in:
					id, text = obj.inUnit, obj.inUnitName
				default:
					id = obj.outUnit
				}
				if id == 0 {
					continue // nothing of the kind there
				}
				path = fmt.Sprintf(rt.path, fmt.Sprint(id))
			}
			t.Run(fmt.Sprintf("%s %s %s", role, rt.obj, rt.path), func(t *testing.T) {
				var header []string
				if rt.htmx {
					header = []string{"HX-Request", "true"}
				}
				res, body := f.get(t, c, path, header...)
				if res.StatusCode != want {
					t.Errorf("GET %s as %s: got %d, want %d\n%.400s", path, role, res.StatusCode, want, body)
				}
				if res.StatusCode == 403 && rt.obj == out {
					t.Errorf("GET %s as %s: an out-of-scope object answers 403; want 404", path, role)
				}
				if strings.HasPrefix(path, "/api/") && res.StatusCode >= 400 && !strings.Contains(body, `"error":{"code":`) {
					t.Errorf("GET %s: error body %q lacks the error shape", path, body)
				}
				names := !strings.HasSuffix(rt.path, "/children") && !strings.HasSuffix(rt.path, "/cadres") &&
					!strings.Contains(rt.path, "/export.") && !strings.Contains(rt.path, "/diff?") &&
					!strings.Contains(rt.path, ".xlsx") && !strings.HasPrefix(rt.path, "/api/v1/findings?") // a list of findings names the findings
				if res.StatusCode == 200 && names && text != "" && !strings.Contains(body, text) {
					t.Errorf("GET %s as %s: response lacks %q", path, role, text)
				}
			})
		}
	}
}
