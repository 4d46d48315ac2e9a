package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestAnalysisPages opens the weak-link analysis as every demo sign-in:
// the readers of the city's results see it, the others are refused; bad
// input is refused naming its field; the exports are workbooks.
func TestAnalysisPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		want := map[string]int{
			"kaoheban": http.StatusOK, "sheng.kaoheban": http.StatusOK, "kaohezu": http.StatusOK, "lingdao": http.StatusOK,
			"tongji": http.StatusNotFound, "shi.tongji": http.StatusNotFound, "haochaping": http.StatusNotFound, "jiwei": http.StatusNotFound, "shenji": http.StatusNotFound,
			"ganbu": http.StatusForbidden,
		}
		clients := map[string]*http.Client{}
		for _, l := range sum.Logins {
			c := f.signInWith(t, l.Login, l.Password)
			clients[l.Login] = c
			res, body := f.get(t, c, "/analysis")
			if res.StatusCode != want[l.Login] {
				t.Errorf("%s: /analysis answered %d, want %d", l.Login, res.StatusCode, want[l.Login])
			}
			if nav := strings.Contains(body, `href="/analysis"`); nav != (want[l.Login] == http.StatusOK) {
				t.Errorf("%s: analysis in the navigation %v", l.Login, nav)
			}
		}
		office := clients["kaoheban"]
		for _, tc := range []struct {
			path   string
			status int
			text   string
		}{
			{"/analysis?category=agri", http.StatusOK, "持续薄弱占比"},
			{"/analysis?category=eco", http.StatusOK, "单位数不足，不予显示"},
			{"/analysis/policy?category=agri", http.StatusOK, "持续薄弱的单位"},
			{"/analysis?unit=abc", http.StatusUnprocessableEntity, "辖区编号无效"},
			{"/analysis?category=nope", http.StatusUnprocessableEntity, "不含该类别"},
			{"/analysis?cycle=1", http.StatusUnprocessableEntity, "尚未发布"},
			{"/analysis/indicators/NOPE", http.StatusNotFound, ""},
			{"/analysis/units/1", http.StatusNotFound, ""},
		} {
			res, body := f.get(t, office, tc.path)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.text) {
				t.Errorf("%s: got %d, want %d with %q", tc.path, res.StatusCode, tc.status, tc.text)
			}
		}
		for _, path := range []string{"/analysis.xlsx?category=agri", "/analysis/indicators/ECO_WATER/units.xlsx?category=agri"} {
			res, body := f.get(t, office, path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: got %d", path, res.StatusCode)
			}
			wb, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			rows, err := wb.GetRows(wb.GetSheetName(0))
			if err != nil || len(rows) < 4 {
				t.Errorf("%s: %d rows (%v)", path, len(rows), err)
			}
		}
	})
}
