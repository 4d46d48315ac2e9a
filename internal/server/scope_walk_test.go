package server

import (
	"context"
	"net/http"
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

// TestRefusedObjectsAreNotFound walks every GET route that names an
// object — each one registered in internal/web/web.go and by the API —
// as every role, with the fixture's objects in 甲市 (in), those of 乙市
// (out) and IDs that name nothing. An object that is not there, one
// outside the actor's sight and one inside it the actor may not read must
// answer alike: 404, never 403, so that probing IDs tells nothing
// (docs/decisions/0161-refused-objects-are-not-found.md).
func TestRefusedObjectsAreNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ef := newEvalFixture(t, d)
		f := ef.fixture
		co := addCycles(t, f)
		schemeIn, schemeOut := schemeObjects(t, f)
		// An unpublished cycle of 乙市 too: its ranking must not show its
		// name while it waits for results.
		pending := unpublishedCycle(t, f, "330200")

		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		const none = "4611686018427387903" // an ID that names nothing
		// objects gives, per route prefix, the values of {id} in and out of
		// 甲市; {entity} and the other wildcards follow the prefix.
		type objects struct{ in, out []string }
		byPrefix := map[string]objects{
			"/cycles/":      {[]string{id(co.in)}, []string{id(co.out), id(pending)}},
			"/evaluations/": {[]string{id(ef.in.ID), id(ef.open.ID)}, []string{id(ef.out.ID)}},
			"/people/":      {[]string{id(f.inPerson.ID), co.colleague}, []string{id(f.outPerson.ID)}},
			"/cadres/":      {[]string{id(f.inPerson.ID), co.colleague}, []string{id(f.outPerson.ID)}},
			"/units/":       {[]string{id(f.units["330102"].ID)}, []string{id(f.units["330202"].ID)}},
			"/schemes/":     {[]string{id(schemeIn)}, []string{id(schemeOut)}},
			"/users/":       {[]string{id(f.users[auth.RoleViewer].ID), id(f.users[auth.RoleOffice].ID)}, nil},
			"/items/":       {[]string{"Q1"}, nil},
		}
		entities := objects{[]string{co.me, co.colleague}, []string{id(f.outPerson.ID)}}
		fill := func(pattern, obj, entity string) string {
			return strings.NewReplacer("{id}", obj, "{code}", obj, "{entity}", entity, "{n}", "1", "{format}", "export.xlsx",
				"{file}", none, "{token}", none).Replace(pattern)
		}

		clients := map[auth.Role]*http.Client{}
		for _, role := range auth.Roles {
			clients[role] = f.signIn(t, string(role))
		}
		for _, pattern := range objectRoutes(t, f) {
			var prefix string
			for p := range byPrefix {
				if strings.Contains(pattern, p) {
					prefix = p
				}
			}
			obj := byPrefix[prefix]
			// alike are paths that must answer the same: what is not there
			// and what the actor may not see; in are the others.
			alike := [][]string{{fill(pattern, none, none)}}
			for _, o := range obj.out {
				alike[0] = append(alike[0], fill(pattern, o, entities.out[0]))
			}
			var in []string
			for _, o := range obj.in {
				if strings.Contains(pattern, "{entity}") {
					alike = append(alike, []string{fill(pattern, o, none), fill(pattern, o, entities.out[0])})
				}
				for _, e := range entities.in {
					in = append(in, fill(pattern, o, e))
				}
			}
			for _, role := range auth.Roles {
				get := func(path string) int {
					res, body := f.get(t, clients[role], path)
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

// objectRoutes returns the GET patterns with a wildcard: those web.go
// registers and those the API lists.
func objectRoutes(t *testing.T, f *fixture) []string {
	t.Helper()
	src, err := os.ReadFile("../web/web.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"GET (/[^" ]*\{[^" ]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	for _, r := range f.srv.api.Routes() {
		if p, ok := strings.CutPrefix(r, "GET "); ok && strings.Contains(p, "{") {
			out = append(out, p)
		}
	}
	if len(out) < 40 {
		t.Fatalf("found %d object routes; the pattern no longer reads web.go", len(out))
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
