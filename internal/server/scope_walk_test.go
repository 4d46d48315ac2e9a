package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/sources"
)

// refusalWalk is what the refusal walks share: the fixture with its
// cycles, evaluations, people, units, schemes and users in 甲市 (in) and
// 乙市 (out), a signed-in client per role, and the routes to walk.
type refusalWalk struct {
	f       *fixture
	clients map[auth.Role]*http.Client
	// byPrefix gives, per route prefix, the values of {id} in and out of
	// 甲市; {entity} and the other wildcards follow the prefix.
	byPrefix map[string]walkObjects
	entities walkObjects
}

type walkObjects struct{ in, out []string }

// walkNone is an ID that names nothing.
const walkNone = "4611686018427387903"

func newRefusalWalk(t *testing.T, d *db.DB) *refusalWalk {
	ef := newEvalFixture(t, d)
	f := ef.fixture
	co := addCycles(t, f)
	schemeIn, schemeOut := schemeObjects(t, f)
	// An unpublished cycle of 乙市 too: its ranking must not show its
	// name while it waits for results.
	pending := unpublishedCycle(t, f, "330200")
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	w := &refusalWalk{f: f, clients: map[auth.Role]*http.Client{}, byPrefix: map[string]walkObjects{
		"/cycles/":      {[]string{id(co.in)}, []string{id(co.out), id(pending)}},
		"/evaluations/": {[]string{id(ef.in.ID), id(ef.open.ID)}, []string{id(ef.out.ID)}},
		"/people/":      {[]string{id(f.inPerson.ID), co.colleague}, []string{id(f.outPerson.ID)}},
		"/cadres/":      {[]string{id(f.inPerson.ID), co.colleague}, []string{id(f.outPerson.ID)}},
		"/units/":       {[]string{id(f.units["330102"].ID)}, []string{id(f.units["330202"].ID)}},
		"/schemes/":     {[]string{id(schemeIn)}, []string{id(schemeOut)}},
		"/users/":       {[]string{id(f.users[auth.RoleViewer].ID), id(f.users[auth.RoleOffice].ID)}, nil},
		"/items/":       {[]string{"Q1"}, nil},
	}, entities: walkObjects{[]string{co.me, co.colleague}, []string{id(f.outPerson.ID)}}}
	for _, role := range auth.Roles {
		w.clients[role] = f.signIn(t, string(role))
	}
	return w
}

// paths fills pattern: alike are the groups of paths that must answer the
// same — what is not there, and what the actor may not see — and in the
// paths of objects in 甲市.
func (w *refusalWalk) paths(pattern string) (alike [][]string, in []string) {
	var prefix string
	for p := range w.byPrefix {
		if strings.Contains(pattern, p) {
			prefix = p
		}
	}
	obj := w.byPrefix[prefix]
	fill := func(obj, entity string) string {
		return strings.NewReplacer("{id}", obj, "{code}", obj, "{entity}", entity, "{n}", "1", "{format}", "export.xlsx",
			"{file}", walkNone, "{token}", walkNone, "{rest...}", "x").Replace(pattern)
	}
	alike = [][]string{{fill(walkNone, walkNone)}}
	for _, o := range obj.out {
		alike[0] = append(alike[0], fill(o, w.entities.out[0]))
	}
	for _, o := range obj.in {
		if strings.Contains(pattern, "{entity}") {
			alike = append(alike, []string{fill(o, walkNone), fill(o, w.entities.out[0])})
		}
		for _, e := range w.entities.in {
			in = append(in, fill(o, e))
		}
	}
	return alike, in
}

// TestRefusedObjectsAreNotFound walks every GET route that names an
// object — each one registered in internal/web/web.go and by the API —
// as every role, with the fixture's objects in 甲市 (in), those of 乙市
// (out) and IDs that name nothing. An object that is not there, one
// outside the actor's sight and one inside it the actor may not read must
// answer alike: 404, never 403, so that probing IDs tells nothing
// (docs/decisions/0161-refused-objects-are-not-found.md).
func TestRefusedObjectsAreNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newRefusalWalk(t, d)
		f := w.f
		for _, pattern := range objectRoutes(t, f, http.MethodGet) {
			alike, in := w.paths(pattern)
			for _, role := range auth.Roles {
				get := func(path string) int {
					res, body := f.get(t, w.clients[role], path)
					if res.StatusCode == 403 || res.StatusCode >= 500 {
						t.Errorf("GET %s as %s: %d; a refusal tells that it exists, want 404 as for nothing\n%.300s", path, role, res.StatusCode, body)
					}
					return res.StatusCode
				}
				for _, paths := range alike {
					first := get(paths[0])
					if first < 400 {
						t.Errorf("GET %s as %s: got %d for nothing", paths[0], role, first)
					}
					for _, p := range paths[1:] {
						if got := get(p); got != first {
							t.Errorf("GET %s as %s: got %d, but %d for %s, which is not there", p, role, got, first, paths[0])
						}
					}
				}
				for _, p := range in {
					get(p)
				}
			}
		}
	})
}

// TestRefusedActionsAreNotFound posts to every POST route that names an
// object, as every role, an empty form: an object that is not there and
// one outside the actor's sight answer alike; an object in 甲市 refused
// with 403 is one the actor reads (its page answers 200), unless nothing
// is refused with 403 too — a kind of work the actor may not do at all,
// whatever the object (user.manage) — so that the refusal of an action on
// an object the actor may not read tells nothing (decision 0161). The
// office, which may act on every object of 甲市, posts only to those of
// 乙市 and to nothing, so that the walk changes nothing it reads.
func TestRefusedActionsAreNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newRefusalWalk(t, d)
		f := w.f
		for _, pattern := range objectRoutes(t, f, http.MethodPost) {
			alike, in := w.paths(pattern)
			for _, role := range auth.Roles {
				post := func(path string) int {
					res := f.post(t, w.clients[role], path, url.Values{})
					if res.StatusCode >= 500 {
						t.Errorf("POST %s as %s: %d", path, role, res.StatusCode)
					}
					return res.StatusCode
				}
				var nothing int
				for k, paths := range alike {
					first := post(paths[0])
					if k == 0 {
						nothing = first
					}
					if first < 400 {
						t.Errorf("POST %s as %s: got %d for nothing", paths[0], role, first)
					}
					for _, p := range paths[1:] {
						if got := post(p); got != first {
							t.Errorf("POST %s as %s: got %d, but %d for %s, which is not there", p, role, got, first, paths[0])
						}
					}
				}
				if role == auth.RoleOffice {
					continue
				}
				for _, p := range in {
					if post(p) != 403 || nothing == 403 {
						continue
					}
					page := objectPage(p)
					if res, _ := f.get(t, w.clients[role], page); res.StatusCode != 200 {
						t.Errorf("POST %s as %s: 403, but %s answers %d: the refusal tells that the object exists", p, role, page, res.StatusCode)
					}
				}
			}
		}
	})
}

// objectPage is the page of the object path p acts on: /cycles/7 of
// /cycles/7/publish, /api/v1/cycles/7 of /api/v1/cycles/7/runs.
func objectPage(p string) string {
	n := 2
	if strings.HasPrefix(p, "/api/") {
		n = 4
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	return "/" + strings.Join(segs[:min(n, len(segs))], "/")
}

// objectRoutes returns the patterns of method with a wildcard: those
// web.go registers and those the API lists.
func objectRoutes(t *testing.T, f *fixture, method string) []string {
	t.Helper()
	src, err := os.ReadFile("../web/web.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"`+method+` (/[^" ]*\{[^" ]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	for _, r := range f.srv.api.Routes() {
		if p, ok := strings.CutPrefix(r, method+" "); ok && strings.Contains(p, "{") {
			out = append(out, p)
		}
	}
	if len(out) < 40 {
		t.Fatalf("found %d object routes of %s; the pattern no longer reads web.go", len(out), method)
	}
	return out
}

// unpublishedCycle adds a cycle of unit code, on the scheme version its
// other cycle runs, that has not been scored.
func unpublishedCycle(t *testing.T, f *fixture, unit string) int64 {
	t.Helper()
	ctx := context.Background()
	var v int64
	if err := f.db.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
		WHERE s.owner_unit_id = $1 AND s.subject = 'person' ORDER BY v.id LIMIT 1`, f.units[unit].ID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	c, err := cycle.NewService(f.db, auth.Policy{}, sources.Cycle()).Create(ctx, auth.SystemActor("test"), cycle.Cycle{
		Code: "pending-2026", Name: "乙市2026年度干部考核", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
		OwnerUnitID: f.units[unit].ID, SchemeVersionID: v, Period: "2026", EndsOn: "2026-12-31", Draws: 50},
		cycle.Selection{PersonIDs: []int64{f.outPerson.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
