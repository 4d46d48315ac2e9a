package server

import (
	"context"
	"encoding/json"
	"fmt"
	"kaohe/internal/sources"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// cycleObjects are two published cadre cycles: one run by 甲市 assessing
// 张三 and two colleagues in 甲县, one run by 乙市 assessing 李四.
type cycleObjects struct {
	in, out int64
	// me is 张三's entity; colleague another cadre of 甲县.
	me, colleague string
}

// addCycles builds the scheme, values and cycles of cycleObjects.
func addCycles(t testing.TB, f *fixture) cycleObjects {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	s := scheme.NewService(f.db, auth.Policy{})
	doc := &score.Scheme{Indicators: []score.Indicator{
		{Code: "D1", Name: "经济发展", Weight: 40}, {Code: "D2", Name: "民生改善", Weight: 30}, {Code: "D3", Name: "党的建设", Weight: 30},
		{Code: "Q1", Name: "地区生产总值增速", Parent: "D1", Weight: 100}, {Code: "Q2", Name: "居民收入增速", Parent: "D2", Weight: 100},
		{Code: "Q3", Name: "基层党建评价", Parent: "D3", Weight: 100},
	}, Grading: score.Grading{Bands: []score.Band{{Grade: "优秀", Min: 80}, {Grade: "称职", Min: 50}, {Grade: "基本称职", Min: 30}, {Grade: "不称职", Min: -1e9}}}}
	var people []int64
	now := f.db.Clock().UnixMicro()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := f.db.SQL.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, code := range []string{"Q1", "Q2", "Q3"} {
		exec(`INSERT INTO data_items (id, code, name, owner_unit_id, frequency, value_type, required, entity_kind, created_at, updated_at)
			VALUES ($1, $2, $2, $3, 'annual', 'number', FALSE, 'person', $4, $4)`, db.NewID(), code, f.units["330100"].ID, now)
	}
	for _, ind := range doc.Indicators[3:] {
		if _, err := s.SaveIndicator(ctx, sys, scheme.Indicator{Code: ind.Code, Name: ind.Name, Kind: score.KindQuantitative, DataItem: ind.Code}); err != nil {
			t.Fatal(err)
		}
	}
	value := func(person int64, k int) {
		for j, code := range []string{"Q1", "Q2", "Q3"} {
			exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
				version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, $3, '2025', $4, 'api', 0, 'verified', 1, TRUE, '', FALSE, $5)`,
				db.NewID(), person, code, float64(10+7*k+3*j*(k%2)), now)
		}
	}
	people = append(people, f.inPerson.ID)
	for k, name := range []string{"王五", "赵六"} {
		var id int64 = db.NewID()
		exec(`INSERT INTO people (id, name, gender, birth_date, ethnicity, party, education, unit_id, created_at, updated_at)
			VALUES ($1, $2, 'male', '1978-01-01', '汉族', 'cpc', 'university', $3, $4, $4)`, id, name, f.units["330102"].ID, now)
		exec(`INSERT INTO posts (id, person_id, unit_id, title, rank, team, sort_order, concurrent, start_date, created_at, updated_at)
			VALUES ($1, $2, $3, '副县长', 'division', TRUE, $4, FALSE, '2022-01-01', $5, $5)`, db.NewID(), id, f.units["330102"].ID, k+1, now)
		people = append(people, id)
	}
	for k, p := range append(people, f.outPerson.ID) {
		value(p, k)
	}
	mk := func(unit, code string, ids []int64) int64 {
		sc, err := s.CreateScheme(ctx, sys, scheme.Scheme{Code: code, Name: code, Subject: scheme.SubjectPerson, OwnerUnitID: f.units[unit].ID})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初版"})
		if err != nil {
			t.Fatal(err)
		}
		svc := cycle.NewService(f.db, auth.Policy{}, sources.Cycle())
		c, err := svc.Create(ctx, sys, cycle.Cycle{Code: code + "-2025", Name: code + "2025年度干部考核", Kind: cycle.Annual,
			Subject: cycle.SubjectPerson, OwnerUnitID: f.units[unit].ID, SchemeVersionID: v.ID, Period: "2025", EndsOn: "2025-12-31", Draws: 50},
			cycle.Selection{PersonIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		scoreAndPublish(t, svc, c.ID)
		return c.ID
	}
	return cycleObjects{in: mk("330100", "jia-cadre", people), out: mk("330200", "yi-cadre", []int64{f.outPerson.ID}),
		me: strconv.FormatInt(f.inPerson.ID, 10), colleague: strconv.FormatInt(people[1], 10)}
}

// TestCycleScope asks every cycle page and endpoint as every role about the
// published cycle of its jurisdiction and one outside it. The office, the
// assessment team and viewers of 甲市 read everything of its cycle; the
// cadre 张三 reads its own result and nobody else's; providers and
// supervisors read no results. Out of scope is 404 for everyone.
func TestCycleScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		readers := map[auth.Role]int{office: 200, team: 200, provider: 404, supervisor: 404, cadre: 200, viewer: 200}
		analysts := map[auth.Role]int{office: 200, team: 200, provider: 404, supervisor: 404, cadre: 404, viewer: 200}
		dashboard := map[auth.Role]int{office: 200, team: 200, provider: 404, supervisor: 404, cadre: 404, viewer: 200}
		// A cadre sees its own unit, but a colleague's result is not found
		// as one of another county is: refusing it would tell it exists.
		colleague := map[auth.Role]int{office: 200, team: 200, provider: 404, supervisor: 404, cadre: 404, viewer: 200}
		// The 好差评管理员 of 甲县 reads no cycle, as the county's provider.
		for _, m := range []map[auth.Role]int{readers, analysts, dashboard, colleague} {
			m[serviceReview] = m[provider]
		}
		in, out := fmt.Sprint(co.in), fmt.Sprint(co.out)
		tests := []struct {
			path string
			want map[auth.Role]int
			all  int
		}{
			{path: "/cycles", all: 200},
			{path: "/api/v1/cycles", all: 200},
			{path: "/cycles/" + in, want: dashboard},
			{path: "/cycles/" + out, all: 404},
			{path: "/cycles/" + in + "/ranking", want: readers},
			{path: "/cycles/" + out + "/ranking", all: 404},
			{path: "/cycles/" + in + "/ranking.xlsx", want: readers},
			{path: "/cycles/" + in + "/heatmap", want: analysts},
			{path: "/cycles/" + out + "/heatmap", all: 404},
			{path: "/cycles/" + in + "/results/" + co.me, want: readers},
			{path: "/cycles/" + in + "/results/" + co.colleague, want: colleague},
			{path: "/cycles/" + out + "/results/" + strconv.FormatInt(f.outPerson.ID, 10), all: 404},
			{path: "/cycles/" + in + "/results/" + co.me + "/decomposition.xlsx", want: readers},
			{path: "/cycles/" + in + "/feedback.xlsx?unit=" + fmt.Sprint(f.units["330102"].ID), want: readers},
			{path: "/api/v1/cycles/" + in + "/results", want: readers},
			{path: "/api/v1/cycles/" + out + "/results", all: 404},
			{path: "/api/v1/cycles/" + in + "/results/" + co.me, want: readers},
			{path: "/api/v1/cycles/" + in + "/results/" + co.colleague, want: colleague},
			{path: "/api/v1/cycles/" + out + "/results/" + strconv.FormatInt(f.outPerson.ID, 10), all: 404},
		}
		clients := map[auth.Role]*http.Client{}
		for _, role := range auth.Roles {
			clients[role] = f.signIn(t, string(role))
		}
		for _, tt := range tests {
			for role, c := range clients {
				want, ok := tt.want[role]
				if !ok {
					want = tt.all
				}
				t.Run(string(role)+" "+tt.path, func(t *testing.T) {
					res, body := f.get(t, c, tt.path)
					if res.StatusCode != want {
						t.Errorf("GET %s as %s: got %d, want %d\n%.300s", tt.path, role, res.StatusCode, want, body)
					}
				})
			}
		}
		// The cadre's ranking holds itself alone; its API list too.
		res, body := f.get(t, clients[cadre], "/api/v1/cycles/"+in+"/results")
		var rl struct {
			Total   int `json:"total"`
			Results []struct {
				Entity string `json:"entity"`
			} `json:"results"`
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(body), &rl) != nil || rl.Total != 1 || rl.Results[0].Entity != co.me {
			t.Fatalf("cadre's results: %d %s", res.StatusCode, body)
		}
		// The decomposition adds up to the total.
		_, body = f.get(t, clients[office], "/api/v1/cycles/"+in+"/results/"+co.me)
		var rd struct {
			Result struct {
				Total float64 `json:"total"`
			} `json:"result"`
			Decomposition []struct {
				Contribution float64 `json:"contribution"`
			} `json:"decomposition"`
		}
		if err := json.Unmarshal([]byte(body), &rd); err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, it := range rd.Decomposition {
			sum += it.Contribution
		}
		if math.Abs(sum-rd.Result.Total) > 1e-9 || len(rd.Decomposition) != 3 {
			t.Fatalf("decomposition %s", body)
		}
	})
}

// TestCyclePages walks a cycle through the dashboard as the office: make
// it from the form, see what blocks it, and calibrate a grade with a
// reason on the profile.
func TestCyclePages(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	co := addCycles(t, f)
	c := f.signIn(t, "office")
	_, body := f.get(t, c, fmt.Sprintf("/cycles/%d", co.in))
	for _, want := range []string{"jia-cadre2025年度干部考核", "已公布", "得分分布", "dist-data"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	_, body = f.get(t, c, fmt.Sprintf("/cycles/%d/ranking", co.in))
	if !strings.Contains(body, "张三") || !strings.Contains(body, `<svg class="interval`) {
		t.Errorf("ranking lacks 张三 or the interval bars:\n%.600s", body)
	}
	_, body = f.get(t, c, fmt.Sprintf("/cycles/%d/results/%s", co.in, co.me))
	for _, want := range []string{"radar-data", "trend-data", "得分构成", "经济发展"} {
		if !strings.Contains(body, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	res := f.post(t, c, fmt.Sprintf("/cycles/%d/results/%s/calibrate", co.in, co.me), url.Values{"grade": {"基本称职"}, "reason": {"经复核"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("calibrate: got %d", res.StatusCode)
	}
	_, body = f.get(t, c, fmt.Sprintf("/cycles/%d/results/%s", co.in, co.me))
	if !strings.Contains(body, "经复核") {
		t.Error("the calibration is not shown on the profile")
	}
	res = f.post(t, f.signIn(t, "viewer"), fmt.Sprintf("/cycles/%d/results/%s/calibrate", co.in, co.me), url.Values{"grade": {"优秀"}, "reason": {"x"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer calibrates: got %d, want 403", res.StatusCode)
	}
}

// TestCycleSelector checks the top bar's cycle selector: it lists the
// cycles the actor may open, marks the one being viewed, and opens the one
// chosen.
func TestCycleSelector(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	co := addCycles(t, f)
	c := f.signIn(t, "office")
	opt := fmt.Sprintf(`<option value="%d"`, co.in)
	_, body := f.get(t, c, "/units")
	if !strings.Contains(body, opt+">jia-cadre2025年度干部考核") {
		t.Errorf("selector on /units: got no unselected option for the cycle:\n%.2000s", body)
	}
	_, body = f.get(t, c, fmt.Sprintf("/cycles/%d/ranking", co.in))
	if !strings.Contains(body, opt+" selected>") {
		t.Error("selector on the cycle's ranking: got the cycle not selected, want it selected")
	}
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for query, want := range map[string]string{
		fmt.Sprintf("id=%d", co.in): fmt.Sprintf("/cycles/%d", co.in),
		"id=abc":                    "/cycles",
		"":                          "/cycles",
	} {
		res, _ := f.get(t, &noFollow, "/cycles/open?"+query)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("/cycles/open?%s: got %d to %q, want 303 to %q", query, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
}

// TestProfileRadarBrowser opens a profile as the assessment office and
// checks that the radar chart is drawn — a canvas, an ECharts instance with
// the series — with the snapshot's numbers, and that the console is clean.
func TestProfileRadarBrowser(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	co := addCycles(t, f)
	pr, err := cycle.NewService(f.db, auth.Policy{}, sources.Cycle()).Profile(context.Background(), auth.SystemActor("test"), co.in, co.me)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	var ce consoleErrors
	ce.listen(ctx)
	var canvases int
	var series []float64
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name="login"]`),
		chromedp.SendKeys(`input[name="login"]`, "office"),
		chromedp.SendKeys(`input[name="password"]`, password),
		chromedp.Click(`.signin-box button[type="submit"]`),
		chromedp.WaitVisible(`.sidenav`),
		chromedp.Navigate(fmt.Sprintf("%s/cycles/%d/results/%s", f.ts.URL, co.in, co.me)),
		chromedp.WaitVisible(`#radar[data-drawn="true"] canvas`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			n, err := chromedp.Evaluate[int](`document.querySelectorAll('#radar canvas').length`)(ctx, tg)
			canvases = n
			if err != nil {
				return err
			}
			series, err = chromedp.Evaluate[[]float64](`echarts.getInstanceByDom(document.getElementById('radar')).getOption().series[0].data[0].value`)(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("open the profile: %v", err)
	}
	var png []byte
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err = chromedp.FullScreenshot(100)(ctx, tg)
		return err
	})); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "profile-radar.png"), png, 0o644)
	}
	if canvases == 0 {
		t.Fatal("the radar chart has no canvas")
	}
	if len(series) != len(pr.Dimensions) {
		t.Fatalf("radar series has %d values, want %d", len(series), len(pr.Dimensions))
	}
	for k, d := range pr.Dimensions {
		if series[k] != float64(d.Score) {
			t.Errorf("radar axis %s: chart %v, snapshot %v", d.Name, series[k], float64(d.Score))
		}
	}
	if errs := ce.take(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestCycleCreatePage makes a cycle through the form: a bad period
// re-renders the form with the message; the categories select the units'
// team members; a viewer may not make one.
func TestCycleCreatePage(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	addCycles(t, f)
	ctx := context.Background()
	sys := auth.SystemActor("test")
	orgs := org.NewService(f.db, auth.Policy{})
	cat, err := orgs.CreateCategory(ctx, sys, org.Category{Code: "urban", Name: "城区", AppliesTo: org.KindRegion})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orgs.UpdateUnit(ctx, sys, f.units["330102"].ID, org.UnitUpdate{CategoryID: &cat.ID}); err != nil {
		t.Fatal(err)
	}
	var version int64
	if err := f.db.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'jia-cadre'`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	c := f.signIn(t, "office")
	form := url.Values{"owner": {fmt.Sprint(f.units["330100"].ID)}, "code": {"2026-q1"}, "name": {"2026年一季度平时考核"},
		"kind": {"ordinary"}, "subject": {"person"}, "version": {fmt.Sprint(version)}, "period": {"2026Q5"}, "categories": {"urban"}, "draws": {"50"}}
	res := f.post(t, c, "/cycles", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad period: got %d, want 422", res.StatusCode)
	}
	form.Set("period", "2025")
	res = f.post(t, c, "/cycles", form)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash=cycle_created") {
		t.Fatalf("create: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := f.get(t, c, res.Header.Get("Location"))
	if !strings.Contains(body, "2026年一季度平时考核") || !strings.Contains(body, "草稿") {
		t.Errorf("the new cycle's dashboard lacks its name or stage:\n%.500s", body)
	}
	var n int
	if err := f.db.SQL.QueryRow(`SELECT entities FROM cycles WHERE code = '2026-q1'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("the new cycle assesses %d cadres (%v), want the 3 of 甲县's team", n, err)
	}
	form.Set("code", "2026-q1-b")
	if res := f.post(t, f.signIn(t, "viewer"), "/cycles", form); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer creates: got %d, want 403", res.StatusCode)
	}
}
