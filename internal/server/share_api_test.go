package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// shareGet sends a GET with a bearer token and the given headers.
func (f *fixture) shareGet(t *testing.T, path, token string, header ...string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{}
	return f.get(t, c, path, append([]string{"Authorization", "Bearer " + token}, header...)...)
}

// TestShareAPI reads the demo's published results and an item's values
// with a sharing token scoped to one agricultural county: it reads that
// county only, answers conditional requests, is refused on every other
// route and outside its items, and each of its requests is logged.
func TestShareAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1}); err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		sys := auth.SystemActor("test")
		as := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
		office, err := as.UserByLogin(t.Context(), sys, "kaoheban")
		if err != nil {
			t.Fatal(err)
		}
		units, _, err := org.NewService(d, auth.Policy{}).FindUnits(t.Context(), sys, org.UnitFilter{Query: "安平", Level: org.LevelCounty, Limit: 10})
		if err != nil || len(units) == 0 {
			t.Fatalf("find 安平: %v", err)
		}
		county := units[0]
		_, token, err := as.CreateShareToken(t.Context(), office.Actor(), "干部信息系统", 0,
			auth.Share{System: "市干部管理信息系统", UnitID: county.ID, Results: true, Items: []string{"WATER_QUALITY"}})
		if err != nil {
			t.Fatal(err)
		}
		requests := 0
		get := func(path string, header ...string) (*http.Response, string) {
			requests++
			return f.shareGet(t, path, token, header...)
		}

		res, body := get("/api/v1/share/cycles")
		var cl struct {
			Cycles []struct{ ID, Subject, Period string }
			Total  int
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &cl) != nil || cl.Total == 0 {
			t.Fatalf("share/cycles: %d %s", res.StatusCode, body)
		}
		var teamCycle string
		for _, c := range cl.Cycles {
			if c.Subject == "unit" && c.Period == "2025" {
				teamCycle = c.ID
			}
		}
		if teamCycle == "" {
			t.Fatalf("no 2025 team cycle in %s", body)
		}
		path := "/api/v1/share/cycles/" + teamCycle + "/results?group=agri"
		res, body = get(path)
		var rl struct {
			Results []struct {
				UnitID string `json:"unit_id"`
			}
			Total int
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &rl) != nil {
			t.Fatalf("results: %d %s", res.StatusCode, body)
		}
		if rl.Total != 1 || len(rl.Results) != 1 || rl.Results[0].UnitID != db.FormatID(county.ID) {
			t.Errorf("results read %s, want 安平 alone", body)
		}
		etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		if etag == "" || modified == "" {
			t.Fatalf("no ETag or Last-Modified: %v", res.Header)
		}
		if res, _ := get(path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: got %d, want 304", res.StatusCode)
		}
		if res, _ := get(path, "If-Modified-Since", modified); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-Modified-Since: got %d, want 304", res.StatusCode)
		}
		if res, _ := get(path, "If-None-Match", `"stale"`); res.StatusCode != http.StatusOK {
			t.Errorf("stale ETag: got %d, want 200", res.StatusCode)
		}
		for _, g := range []string{"urban", "eco"} {
			_, body := get("/api/v1/share/cycles/" + teamCycle + "/results?group=" + g)
			if strings.Contains(body, `"unit_id"`) {
				t.Errorf("group %s: read units outside the county: %s", g, body)
			}
		}
		res, body = get("/api/v1/share/items/WATER_QUALITY/values?period=2025")
		var vl struct {
			Values []struct {
				UnitID string `json:"unit_id"`
			}
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &vl) != nil || len(vl.Values) == 0 {
			t.Fatalf("values: %d %s", res.StatusCode, body)
		}
		for _, v := range vl.Values {
			if v.UnitID != db.FormatID(county.ID) {
				t.Errorf("values of unit %s outside the county", v.UnitID)
			}
		}
		for _, tc := range []struct {
			path   string
			status int
		}{
			{"/api/v1/share/items/PM25/values?period=2025", http.StatusNotFound},
			{"/api/v1/share/items/WATER_QUALITY/values", http.StatusUnprocessableEntity},
			{"/api/v1/share/cycles?limit=0", http.StatusUnprocessableEntity},
		} {
			if res, body := get(tc.path); res.StatusCode != tc.status {
				t.Errorf("%s: got %d %s, want %d", tc.path, res.StatusCode, body, tc.status)
			}
		}
		// The description of the API is readable; every other route
		// refuses the token.
		if res, _ := get("/api/v1/openapi.json"); res.StatusCode != http.StatusOK {
			t.Errorf("openapi.json: got %d", res.StatusCode)
		}
		for _, route := range f.srv.api.Routes() {
			method, pattern, _ := strings.Cut(route, " ")
			if strings.HasPrefix(pattern, "/api/v1/share/") || pattern == "/api/v1/openapi.json" {
				continue
			}
			p := strings.NewReplacer("{id}", "1", "{n}", "1", "{entity}", "1", "{token}", "1", "{code}", "X").Replace(pattern)
			requests++
			req, _ := http.NewRequest(method, f.ts.URL+p, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			// A refused GET of an object reads as not found (decision 0161).
			want := http.StatusForbidden
			if method == http.MethodGet && strings.Contains(pattern, "{") {
				want = http.StatusNotFound
			}
			if res.StatusCode != want {
				t.Errorf("%s: a sharing token got %d, want %d", route, res.StatusCode, want)
			}
		}
		var logged int
		if err := d.SQL.QueryRowContext(t.Context(), `SELECT count(*) FROM share_reads`).Scan(&logged); err != nil {
			t.Fatal(err)
		}
		if logged != requests {
			t.Errorf("logged %d reads, made %d", logged, requests)
		}

		// A token for items only reads no results.
		_, itemsOnly, err := as.CreateShareToken(t.Context(), office.Actor(), "大数据局", 0,
			auth.Share{System: "市大数据局", UnitID: county.ID, Items: []string{"PM25"}})
		if err != nil {
			t.Fatal(err)
		}
		if res, _ := f.shareGet(t, path, itemsOnly); res.StatusCode != http.StatusNotFound {
			t.Errorf("items-only token read results: %d", res.StatusCode)
		}
		// Bad scopes are refused naming the field; a viewer may not share.
		viewer, err := as.UserByLogin(t.Context(), sys, "lingdao")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			actor *auth.Actor
			sh    auth.Share
			want  string
		}{
			{"no system", office.Actor(), auth.Share{UnitID: county.ID, Results: true}, "system"},
			{"nothing shared", office.Actor(), auth.Share{System: "x", UnitID: county.ID}, "items"},
			{"unknown unit", office.Actor(), auth.Share{System: "x", UnitID: 1, Results: true}, "unit"},
			{"viewer", viewer.Actor(), auth.Share{System: "x", UnitID: county.ID, Results: true}, "not allowed"},
		} {
			_, _, err := as.CreateShareToken(t.Context(), tc.actor, "t", 0, tc.sh)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
			}
		}
	})
}
