package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
)

// TestGroupNames checks that a cycle's comparison groups, the categories
// of its units, show by their names on the dashboard, the ranking, the
// heatmap and in the ranking and feedback spreadsheets, never by their
// codes.
func TestGroupNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx, sys := context.Background(), auth.SystemActor("test")
		orgs := org.NewService(f.db, auth.Policy{})
		cat, err := orgs.CreateCategory(ctx, sys, org.Category{Code: "urban", Name: "城区", AppliesTo: org.KindRegion})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orgs.UpdateUnit(ctx, sys, f.units["330102"].ID, org.UnitUpdate{CategoryID: &cat.ID}); err != nil {
			t.Fatal(err)
		}
		co := addCycles(t, f)
		c := f.signIn(t, "office")
		for _, tt := range []struct{ path, want string }{
			{fmt.Sprintf("/cycles/%d", co.in), `?group=urban">城区</a>`},
			{fmt.Sprintf("/cycles/%d", co.in), `"name":"城区"`},
			{fmt.Sprintf("/cycles/%d/ranking", co.in), `<option value="urban" selected>城区 (3)</option>`},
			{fmt.Sprintf("/cycles/%d/heatmap", co.in), `<option value="urban" selected>城区 (3)</option>`},
		} {
			res, body := f.get(t, c, tt.path)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, tt.want) {
				t.Errorf("%s: got %d, want 200 with %q", tt.path, res.StatusCode, tt.want)
			}
			if text := pageText(body); strings.Contains(text, "urban") {
				t.Errorf("%s shows the category code urban", tt.path)
			}
		}
		for _, tt := range []struct{ path, file string }{
			{fmt.Sprintf("/cycles/%d/ranking.xlsx", co.in), "城区"},
			{fmt.Sprintf("/cycles/%d/feedback.xlsx?unit=%d", co.in, f.units["330102"].ID), ""},
		} {
			res, body := f.get(t, c, tt.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: got %d", tt.path, res.StatusCode)
			}
			if cd, _ := url.PathUnescape(res.Header.Get("Content-Disposition")); !strings.Contains(cd, tt.file) {
				t.Errorf("%s: file name %q lacks %q", tt.path, cd, tt.file)
			}
			wb, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := wb.GetRows(wb.GetSheetName(0))
			if err != nil || len(rows) < 2 {
				t.Fatalf("%s: %d rows (%v)", tt.path, len(rows), err)
			}
			col := -1
			for k, h := range rows[0] {
				if h == "类别" {
					col = k
				}
			}
			for _, row := range rows[1:] {
				if col < 0 || row[col] != "城区" {
					t.Errorf("%s: got row %q, want its group 城区 under 类别 of %q", tt.path, row, rows[0])
				}
			}
		}
	})
}

// TestCyclePagesNameActors checks that the dashboard's scoring runs and
// stage history and the profile's calibrations name who acted: the system
// as 系统 and a user by name, never by an internal name such as
// system:test.
func TestCyclePagesNameActors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		c := f.signIn(t, "office")
		if res := f.post(t, c, fmt.Sprintf("/cycles/%d/results/%s/calibrate", co.in, co.me),
			url.Values{"grade": {"基本称职"}, "reason": {"经复核"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("calibrate: got %d", res.StatusCode)
		}
		for _, tt := range []struct{ path, want string }{
			{fmt.Sprintf("/cycles/%d", co.in), "<td>系统</td><td></td></tr>"},
			{fmt.Sprintf("/cycles/%d/results/%s", co.in, co.me), "<td>经复核</td><td>用户office</td>"},
		} {
			_, body := f.get(t, c, tt.path)
			if !strings.Contains(body, tt.want) || strings.Contains(pageText(body), "system:") {
				t.Errorf("%s: want %q and no system: name:\n%s", tt.path, tt.want, pageText(body))
			}
		}
	})
}
