package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
)

// outItemFixture adds 乙市统计局 under 乙市 and its item FAR_GDP, outside
// the sight of every fixture user.
func outItemFixture(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	dep, err := org.NewService(f.db, auth.Policy{}).CreateUnit(ctx, sys, org.Unit{ParentID: f.units["330200"].ID,
		Code: "330200-TJJ", Name: "乙市统计局", Kind: org.KindDepartment, Level: org.LevelCity})
	if err != nil {
		t.Fatal(err)
	}
	f.units[dep.Code] = dep
	if _, err := collect.NewService(f.db, auth.Policy{}).CreateItem(ctx, sys, collect.Item{Code: "FAR_GDP", Name: "乙市生产总值",
		OwnerID: dep.ID, Frequency: collect.Annual, Type: collect.TypeNumber, EntityKind: collect.EntityUnit}); err != nil {
		t.Fatal(err)
	}
}

// TestItemPagesScope asks the pages of one data item, and the value
// history, as every role and as the two provider departments, about an
// object in their jurisdiction and one outside it.
func TestItemPagesScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		collectFixture(t, f)
		outItemFixture(t, f)
		logins := []string{"office", "team", "provider", "supervisor", "cadre", "viewer", "tongji", "huanjing"}
		clients := map[string]*http.Client{}
		for _, l := range logins {
			clients[l] = f.signIn(t, l)
		}
		tjj, far := f.units["330100-TJJ"].ID, f.units["330200-TJJ"].ID
		county, outCounty := f.units["330102"].ID, f.units["330202"].ID
		// itemManage: the office manages 甲市统计局's items; on the list,
		// the department's own provider gets 403, the others 404, as they
		// may do nothing with its items (decision 0161); an item's own page
		// is not found for all who may not manage it (itemObject).
		itemManage := map[string]int{"office": 200, "team": 404, "provider": 404, "supervisor": 404, "cadre": 404,
			"viewer": 404, "tongji": 403, "huanjing": 404}
		itemObject := map[string]int{"office": 200}
		// history: the office and the owning department, and the readers
		// of the county's values (team, its cadre, viewers); who reads no
		// values is told of none (decision 0161).
		history := map[string]int{"office": 200, "team": 200, "provider": 404, "supervisor": 404, "cadre": 200,
			"viewer": 200, "tongji": 200, "huanjing": 404}
		for _, rt := range []struct {
			path string
			obj  object
			want map[string]int // absent: 404
			text string
		}{
			{"/items/GDP", in, itemObject, "地区生产总值"},
			{"/items/FAR_GDP", out, nil, ""},
			{"/items/NOPE", out, nil, ""},
			{fmt.Sprintf("/items?owner=%d", tjj), in, itemManage, "地区生产总值"},
			{fmt.Sprintf("/items?owner=%d", far), out, nil, ""},
			{fmt.Sprintf("/collect/history?entity=%d&item=GDP", county), in, history, "甲县"},
			{fmt.Sprintf("/collect/history?entity=%d&item=GDP", outCounty), out, nil, ""},
			{fmt.Sprintf("/collect/history?entity=%d&item=FAR_GDP", outCounty), out, nil, ""},
		} {
			for _, l := range logins {
				want, ok := rt.want[l]
				if !ok {
					want = 404
				}
				t.Run(l+" "+rt.obj.String()+" "+rt.path, func(t *testing.T) {
					res, body := f.get(t, clients[l], rt.path)
					if res.StatusCode != want {
						t.Fatalf("GET %s as %s: got %d, want %d\n%.300s", rt.path, l, res.StatusCode, want, body)
					}
					if want == 200 && !strings.Contains(body, rt.text) {
						t.Errorf("GET %s as %s: response lacks %q", rt.path, l, rt.text)
					}
				})
			}
		}
	})
}
