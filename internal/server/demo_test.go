package server

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// TestDemoRoleScope runs the role × scope table on the demo jurisdiction
// (scale 1, about 500 cadres) with the demo's own sign-ins, one or more per
// role: each sees exactly its jurisdiction.
func TestDemoRoleScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		sys := auth.SystemActor("test")
		orgs := org.NewService(d, auth.Policy{})
		all, _, err := orgs.FindUnits(t.Context(), sys, org.UnitFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		people, _, err := orgs.FindPeople(t.Context(), sys, org.PersonFilter{Serving: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		paths := map[int64]string{}
		for _, u := range all {
			paths[u.ID] = u.Path
		}
		seen := map[auth.Role]bool{}
		for _, l := range sum.Logins {
			if seen[l.Role] {
				continue // one sign-in per role in the table
			}
			seen[l.Role] = true
			grant := paths[l.UnitID]
			obj := scopeObjects{inUnit: l.UnitID, inUnitName: l.Scope}
			for _, u := range all {
				if !strings.HasPrefix(u.Path, grant) {
					obj.outUnit = u.ID
					break
				}
			}
			for _, p := range people {
				if l.Role == auth.RoleCadre {
					break
				}
				if strings.HasPrefix(paths[p.UnitID], grant) && obj.inPerson == 0 {
					obj.inPerson, obj.inPersonName = p.ID, p.Name
				}
			}
			if l.Role == auth.RoleCadre {
				obj.inPerson = l.PersonID
			}
			for _, p := range people {
				if !strings.HasPrefix(paths[p.UnitID], grant) {
					obj.outPerson = p.ID
					break
				}
			}
			obj.inFinding, obj.inFindingName, obj.outFinding = demoFindings(t, d, l, grant)
			t.Run(string(l.Role), func(t *testing.T) {
				c := f.signInWith(t, l.Login, l.Password)
				checkRoutes(t, f, map[auth.Role]*http.Client{l.Role: c}, func(auth.Role) scopeObjects { return obj })
			})
		}
		for _, role := range auth.Roles {
			if !seen[role] {
				t.Errorf("the demo has no sign-in for role %s", role)
			}
		}
	})
}

// demoFindings picks the findings a demo sign-in is asked about: for a
// body one of its own and one of another body; for the cadre one that
// names her, notified, and one that names her not yet notified; for the
// others one about a unit of their grant and one outside it (0 when there
// is none).
func demoFindings(t *testing.T, d *db.DB, l demo.Login, grant string) (in int64, title string, out int64) {
	t.Helper()
	pick := func(q string, args ...any) (int64, string) {
		t.Helper()
		var id int64
		var title string
		err := d.SQL.QueryRow(`SELECT f.id, f.title FROM findings f JOIN units u ON u.id = f.unit_id WHERE `+q+` ORDER BY f.id LIMIT 1`,
			args...).Scan(&id, &title)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return id, title
	}
	named := `f.id IN (SELECT finding_id FROM finding_people WHERE person_id = $1)`
	switch l.Role {
	case auth.RoleSupervisor:
		in, title = pick(`f.body_unit_id = $1`, l.UnitID)
		out, _ = pick(`f.body_unit_id <> $1`, l.UnitID)
	case auth.RoleCadre:
		in, title = pick(named+` AND f.notified_on <> ''`, l.PersonID)
		out, _ = pick(named+` AND f.notified_on = ''`, l.PersonID)
	default:
		in, title = pick(`u.path LIKE $1`, grant+"%")
		out, _ = pick(`u.path NOT LIKE $1`, grant+"%")
	}
	if in == 0 {
		t.Fatalf("%s: no finding to ask about", l.Login)
	}
	return in, title, out
}

// TestDemoPages signs in with the demo's accounts and reads their pages.
// The office reads what a cycle's page says of its inputs: the scheme
// version it is scored with, the evaluations that feed it, and — for a
// quarterly cycle, which has no evaluation — the qualitative indicators
// the last run had no data for. The county provider finds its own
// township items to report, with the missing Q3 values. The leadership
// viewer's home shows the published results (checkViewerHome).
func TestDemoPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		logins := map[string]demo.Login{}
		for _, l := range sum.Logins {
			logins[l.Login] = l
		}
		as := func(login string) *http.Client { return f.signInWith(t, login, logins[login].Password) }
		checkViewerHome(t, f, d, as("lingdao"))
		c := as("kaoheban")
		tests := []struct {
			code      string
			want, not []string
		}{
			{"qingzhou-county-2026Q3", []string{"县（市、区）领导班子综合考核 · 第 2 版", "未关联民主测评", `id="gaps"`, "领导班子建设：10 / 10 个对象无数据"}, nil},
			{"qingzhou-cadres-2025", []string{"县（市、区）领导干部年度考核 · 第 1 版", "2025年度清河区领导班子和领导干部民主测评", "2025年度云溪县领导班子和领导干部民主测评"},
				[]string{"未关联民主测评", "政治忠诚："}},
			// The annual cycle folds the year's quarters into 平时考核.
			{"qingzhou-county-2026", []string{"县（市、区）领导班子综合考核 · 第 3 版", "2026年第1季度县（市、区）领导班子平时考核</a> × 1", "→ 平时考核结果"}, nil},
		}
		for _, tt := range tests {
			res, body := f.get(t, c, "/cycles/"+db.FormatID(cycleID(t, d, tt.code)))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: got %d", tt.code, res.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: page lacks %q", tt.code, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(body, w) {
					t.Errorf("%s: page shows %q", tt.code, w)
				}
			}
		}

		// The office makes a cycle of the cadres of two counties, each
		// rated in its own county's evaluation, by ticking both.
		var version, city int64
		if err := d.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
			WHERE s.code = 'qingzhou-cadre' AND v.status = 'active'`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if err := d.SQL.QueryRow(`SELECT id FROM units WHERE code = '910100'`).Scan(&city); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"owner": {db.FormatID(city)}, "code": {"cadres-two"}, "name": {"两县干部年度考核"}, "kind": {"annual"},
			"subject": {"person"}, "version": {db.FormatID(version)}, "period": {"2025"}, "draws": {"0"}, "categories": {"urban", "agri", "eco"}}
		for _, title := range []string{"2025年度清河区领导班子和领导干部民主测评", "2025年度云溪县领导班子和领导干部民主测评"} {
			var e int64
			if err := d.SQL.QueryRow(`SELECT id FROM evaluations WHERE title = $1`, title).Scan(&e); err != nil {
				t.Fatalf("%s: %v", title, err)
			}
			form.Add("evaluations", db.FormatID(e))
		}
		res := f.post(t, c, "/cycles", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create the cycle: got %d", res.StatusCode)
		}
		_, page := f.get(t, c, res.Header.Get("Location"))
		for _, w := range []string{"2025年度清河区领导班子和领导干部民主测评；2025年度云溪县领导班子和领导干部民主测评"} {
			if !strings.Contains(page, w) {
				t.Errorf("the new cycle's page lacks %q", w)
			}
		}

		// The office folds two quarters into an annual cycle from the form,
		// the second weighing twice the first.
		var v3 int64
		if err := d.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
			WHERE s.code = 'qingzhou-county-team' AND v.number = 3`).Scan(&v3); err != nil {
			t.Fatal(err)
		}
		_, list := f.get(t, c, "/cycles")
		if !strings.Contains(list, `id="fold"`) || !strings.Contains(list, ">平时考核结果</option>") {
			t.Errorf("the create-cycle form offers no cycles or leaf to fold in")
		}
		form = url.Values{"owner": {db.FormatID(city)}, "code": {"annual-folded"}, "name": {"折算平时考核的年度考核"}, "kind": {"annual"},
			"subject": {"unit"}, "version": {db.FormatID(v3)}, "period": {"2026"}, "draws": {"0"}, "categories": {"urban", "agri", "eco"},
			"fold_indicator": {"ORDINARY_RESULT"}}
		for i, q := range []string{"qingzhou-county-2026Q1", "qingzhou-county-2026Q2"} {
			id := db.FormatID(cycleID(t, d, q))
			form.Add("parts", id)
			form.Set("weight."+id, []string{"1", "2"}[i])
		}
		res = f.post(t, c, "/cycles", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create the folding cycle: got %d", res.StatusCode)
		}
		_, page = f.get(t, c, res.Header.Get("Location"))
		for _, w := range []string{"2026年第1季度县（市、区）领导班子平时考核</a> × 1", "2026年第2季度县（市、区）领导班子平时考核</a> × 2", "→ 平时考核结果"} {
			if !strings.Contains(page, w) {
				t.Errorf("the folding cycle's page lacks %q", w)
			}
		}

		provider := as("tongji")
		res, body := f.get(t, provider, "/collect?period=2026Q3")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("tongji /collect: got %d", res.StatusCode)
		}
		for _, w := range []string{"清河区统计局", "乡镇（街道）地区生产总值增速", "乡镇（街道）固定资产投资增速"} {
			if !strings.Contains(body, w) {
				t.Errorf("tongji /collect?period=2026Q3 lacks %q", w)
			}
		}
		if !strings.Contains(body, `value=""`) {
			t.Errorf("tongji's 2026Q3 grid has no empty cell to fill in")
		}
	})
}

// ids2 returns the id of the cycle with code.
func cycleID(t *testing.T, d *db.DB, code string) int64 {
	t.Helper()
	var id int64
	if err := d.SQL.QueryRow(`SELECT id FROM cycles WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return id
}
