package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
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

// linkPattern finds the links of a page: anchors, and the options of the
// top bar's cycle selector as the URLs its form opens.
var (
	hrefPattern   = regexp.MustCompile(`<a [^>]*href="(/[^"]*)"`)
	optionPattern = regexp.MustCompile(`<option value="(\d+)"`)
	selectorBlock = regexp.MustCompile(`(?s)<select id="cycle".*?</select>`)
)

// pageLinks returns the site links of body.
func pageLinks(body string) []string {
	var out []string
	for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	for _, m := range optionPattern.FindAllStringSubmatch(selectorBlock.FindString(body), -1) {
		out = append(out, "/cycles/open?id="+m[1])
	}
	return out
}

// deadLinks follows every link from start as c, depth clicks deep, and
// returns the links that answer 4xx or 5xx with the page they are on.
func deadLinks(t *testing.T, f *fixture, c *http.Client, start string, depth int) []string {
	t.Helper()
	follow := *c
	follow.CheckRedirect = nil
	seen := map[string]bool{start: true}
	var dead []string
	frontier := []string{start}
	from := map[string]string{}
	for d := 0; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, u := range frontier {
			res, body := f.get(t, &follow, u)
			if res.StatusCode >= 400 {
				dead = append(dead, fmt.Sprintf("%s → %d (on %s)", u, res.StatusCode, from[u]))
				continue
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, l := range pageLinks(body) {
				if strings.HasPrefix(l, "/static/") || seen[l] {
					continue
				}
				seen[l], from[l] = true, u
				next = append(next, l)
			}
		}
		frontier = next
	}
	return dead
}

// groupedCycle adds to addCycles' world a published cadre cycle of 甲市 in
// two comparison groups: 张三 of 甲县 (城区, "urban") and two cadres of
// 城关镇 (农业地区, "agri", which sorts first).
func groupedCycle(t *testing.T, f *fixture, co cycleObjects) int64 {
	t.Helper()
	ctx := context.Background()
	now := f.db.Clock().UnixMicro()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := f.db.SQL.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cat := func(code, name, unit string) {
		id := db.NewID()
		exec(`INSERT INTO categories (id, code, name, applies_to, description, sort_order, created_at, updated_at)
			VALUES ($1, $2, $3, 'region', '', 0, $4, $4)`, id, code, name, now)
		exec(`UPDATE units SET category_id = $1 WHERE id = $2`, id, f.units[unit].ID)
	}
	cat("agri", "农业地区", "330102001")
	cat("urban", "城区", "330102")
	ids := []int64{f.inPerson.ID}
	for k, name := range []string{"钱七", "孙八"} {
		id := db.NewID()
		exec(`INSERT INTO people (id, name, gender, birth_date, ethnicity, party, education, unit_id, created_at, updated_at)
			VALUES ($1, $2, 'male', '1980-01-01', '汉族', 'cpc', 'university', $3, $4, $4)`, id, name, f.units["330102001"].ID, now)
		for j, code := range []string{"Q1", "Q2", "Q3"} {
			exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
				version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, $3, '2025', $4, 'api', 0, 'verified', 1, TRUE, '', FALSE, $5)`,
				db.NewID(), id, code, float64(20+5*k+j), now)
		}
		ids = append(ids, id)
	}
	var version int64
	if err := f.db.SQL.QueryRow(`SELECT scheme_version_id FROM cycles WHERE id = $1`, co.in).Scan(&version); err != nil {
		t.Fatal(err)
	}
	svc := cycle.NewService(f.db, auth.Policy{}, sources.Cycle())
	c, err := svc.Create(ctx, auth.SystemActor("test"), cycle.Cycle{Code: "jia-grouped-2025", Name: "甲市2025年度分类干部考核",
		Kind: cycle.Annual, Subject: cycle.SubjectPerson, OwnerUnitID: f.units["330100"].ID, SchemeVersionID: version,
		Period: "2025", EndsOn: "2025-12-30", Draws: 50}, cycle.Selection{PersonIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	scoreAndPublish(t, svc, c.ID)
	return c.ID
}

// TestCadreDeadEnds signs in as the assessed cadre 张三 and checks that its
// working day has no dead end: every link three clicks from home answers,
// the cycle selector opens its own result, the ranking opens on its own
// comparison group, and its unit page shows the team it belongs to.
func TestCadreDeadEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		grouped := groupedCycle(t, f, co)
		c := f.signIn(t, "cadre")

		t.Run("links", func(t *testing.T) {
			if dead := deadLinks(t, f, c, "/", 3); len(dead) > 0 {
				t.Errorf("dead links from the cadre's home:\n%s", strings.Join(dead, "\n"))
			}
		})
		t.Run("selector", func(t *testing.T) {
			for _, id := range []int64{co.in, grouped} {
				res, _ := f.get(t, c, fmt.Sprintf("/cycles/open?id=%d", id))
				want := fmt.Sprintf("/cycles/%d/results/%s", id, co.me)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
					t.Errorf("selector opens cycle %d: got %d to %q, want 303 to %q", id, res.StatusCode, res.Header.Get("Location"), want)
				}
			}
		})
		t.Run("ranking", func(t *testing.T) {
			_, body := f.get(t, c, fmt.Sprintf("/cycles/%d/ranking", grouped))
			if !strings.Contains(body, `<option value="urban" selected>`) || !strings.Contains(body, "张三") {
				t.Errorf("the cadre's ranking does not open on its own group 城区 with itself:\n%.3000s", body)
			}
			if strings.Contains(body, `<option value="agri"`) {
				t.Error("the cadre's ranking offers a group it has no result in")
			}
		})
		t.Run("unit", func(t *testing.T) {
			_, body := f.get(t, c, fmt.Sprintf("/units/%d", f.units["330102"].ID))
			for _, want := range []string{
				fmt.Sprintf(`<a href="/people/%d">张三</a>`, f.inPerson.ID), "<td>王五</td>", "<td>赵六</td>", "副县长",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("the cadre's unit page lacks %q (its team):\n%.3000s", want, body)
				}
			}
			if strings.Contains(body, "暂无下级单位") {
				t.Error("the cadre's unit page says the unit has no sub-units; it has, out of the cadre's sight")
			}
		})
	})
}

// TestResultsPending asks for the ranking and heatmap of a cycle that is
// not scored yet: the readers of the cycle get a page that says so and
// links its dashboard, not a 404.
func TestResultsPending(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		var version int64
		if err := f.db.SQL.QueryRow(`SELECT scheme_version_id FROM cycles WHERE id = $1`, co.in).Scan(&version); err != nil {
			t.Fatal(err)
		}
		svc := cycle.NewService(f.db, auth.Policy{}, sources.Cycle())
		draft, err := svc.Create(context.Background(), auth.SystemActor("test"), cycle.Cycle{Code: "jia-2026", Name: "甲市2026年度干部考核",
			Kind: cycle.Annual, Subject: cycle.SubjectPerson, OwnerUnitID: f.units["330100"].ID, SchemeVersionID: version, Period: "2026"},
			cycle.Selection{PersonIDs: []int64{f.inPerson.ID}})
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(draft.ID, 10)
		for _, role := range []auth.Role{auth.RoleTeam, auth.RoleOffice, auth.RoleViewer} {
			c := f.signIn(t, string(role))
			for _, view := range []string{"ranking", "heatmap"} {
				res, body := f.get(t, c, "/cycles/"+id+"/"+view)
				if res.StatusCode != http.StatusOK || !strings.Contains(body, "尚未计分") || !strings.Contains(body, `href="/cycles/`+id+`"`) {
					t.Errorf("%s: %s of a draft cycle: got %d, want 200 saying it is not scored and linking the dashboard:\n%.2000s",
						role, view, res.StatusCode, body)
				}
				if !strings.Contains(body, fmt.Sprintf(`href="/cycles/%d/%s"`, co.in, view)) {
					t.Errorf("%s: %s of a draft cycle does not offer the published cycle's", role, view)
				}
			}
		}
		// Outside the cycle's readers it stays not found.
		if res, _ := f.get(t, f.signIn(t, "provider"), "/cycles/"+id+"/ranking"); res.StatusCode != http.StatusNotFound {
			t.Errorf("provider: ranking of a draft cycle: got %d, want 404", res.StatusCode)
		}
	})
}
