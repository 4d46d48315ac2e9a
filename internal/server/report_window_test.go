package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestReportWindowForm sets the city's mid-year window for 2025 on the
// board as the office: the board shows it to the county's cadre as the
// city's; a window that closes before it opens is refused in Chinese; a
// leader sees the window but no form and may not set one.
func TestReportWindowForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		office := f.signIn(t, string(auth.RoleOffice))
		city := db.FormatID(f.units["330100"].ID)
		form := url.Values{"unit": {city}, "year": {"2025"}, "stage": {"midyear"}, "opens": {"2025-06-20"}, "closes": {"2025-07-15"}}
		res := f.post(t, office, "/commitments/windows", form)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/commitments?year=2025&flash=window_saved#windows" {
			t.Fatalf("set: %d %s", res.StatusCode, loc)
		}
		for _, role := range []auth.Role{auth.RoleOffice, auth.RoleCadre, auth.RoleViewer} {
			res, body := f.get(t, f.signIn(t, string(role)), "/commitments?year=2025")
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "年中亮晒（进展）：2025-06-20 至 2025-07-15") || !strings.Contains(body, "（甲市设定）") {
				t.Errorf("%s: the board does not show the window: %d", role, res.StatusCode)
			}
			if hasForm := strings.Contains(body, `id="window-form"`); hasForm != (role == auth.RoleOffice) {
				t.Errorf("%s: the window form shown %v", role, hasForm)
			}
		}
		form.Set("closes", "2025-06-01")
		if res, body := f.postForm(t, office, "/commitments/windows", form); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "截止日期应在开始日期之后") {
			t.Errorf("closes first: %d", res.StatusCode)
		}
		form.Set("closes", "2025-07-31")
		if res := f.post(t, f.signIn(t, string(auth.RoleViewer)), "/commitments/windows", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("a leader sets the window: %d", res.StatusCode)
		}
	})
}
