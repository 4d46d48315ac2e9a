package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"kaohe/internal/db/dbtest"
)

// TestOpenAPIInStep keeps the OpenAPI document served at
// /api/v1/openapi.json in step with the routes: every registered route has
// its operation, with a summary and each path parameter declared, and
// every operation names a registered route.
func TestOpenAPIInStep(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary    string `json:"summary"`
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if res, _ := f.get(t, f.client(t), "/api/v1/openapi.json"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("signed out: got %d, want 401", res.StatusCode)
	}
	res, body := f.get(t, f.signIn(t, "viewer"), "/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	registered := map[string]bool{}
	for _, r := range f.srv.api.Routes() {
		registered[r] = true
		method, path, _ := strings.Cut(r, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("route %s has no operation in internal/api/openapi.json", r)
			continue
		}
		if op.Summary == "" {
			t.Errorf("%s: no summary", r)
		}
		var declared []string
		for _, p := range op.Parameters {
			if p.In == "path" {
				declared = append(declared, p.Name)
			}
		}
		var want []string
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") {
				want = append(want, strings.Trim(seg, "{}"))
			}
		}
		sort.Strings(declared)
		sort.Strings(want)
		if strings.Join(declared, ",") != strings.Join(want, ",") {
			t.Errorf("%s: path parameters %v, want %v", r, declared, want)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if r := strings.ToUpper(method) + " " + path; !registered[r] {
				t.Errorf("internal/api/openapi.json describes %s, which is not a registered route", r)
			}
		}
	}
}
