package server

import (
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestStreamlinePage reads the demo city's streamlining report as its
// assessment office: correlations name the periods they compare — never
// an annual against a quarterly one — and the duplicated items section
// finds REVENUE_PREV, which repeats REVENUE's data.
func TestStreamlinePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		var office demo.Login
		for _, l := range sum.Logins {
			if l.Role == auth.RoleOffice && office.Login == "" {
				office = l
			}
		}
		res, body := f.get(t, f.signInWith(t, office.Login, office.Password), "/schemes/streamline")
		if res.StatusCode != 200 {
			t.Fatalf("GET /schemes/streamline: %d", res.StatusCode)
		}
		for _, want := range []string{"内容重复的数据项", `一般公共预算收入 <span class="code muted">REVENUE</span>`, `上年一般公共预算收入 <span class="code muted">REVENUE_PREV</span>`, "只比较同一单位同一期别的数值"} {
			if !strings.Contains(body, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		if strings.Contains(body, " / 2025") || strings.Contains(body, "2026Q3 /") {
			t.Errorf("the report compares values of different periods:\n%s", body)
		}
	})
}
