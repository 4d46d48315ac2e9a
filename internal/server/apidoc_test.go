package server

import (
	"os"
	"strings"
	"testing"

	"kaohe/internal/db/dbtest"
)

// TestAPIDocumented keeps docs/api.md in step with the routes: every
// registered /api/v1 route has its "### `METHOD /path`" heading, and every
// such heading names a registered route.
func TestAPIDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{DB: dbtest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	routes := srv.api.Routes()
	if len(routes) == 0 {
		t.Fatal("no API routes registered")
	}
	registered := map[string]bool{}
	for _, r := range routes {
		registered[r] = true
		if !strings.Contains(string(doc), "### `"+r+"`") {
			t.Errorf("route %s is not documented in docs/api.md", r)
		}
	}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "### `"); ok {
			r := strings.TrimSuffix(h, "`")
			if !registered[r] {
				t.Errorf("docs/api.md documents %s, which is not a registered route", r)
			}
		}
	}
}
