package server

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/sources"
)

var (
	// gradeCountRE finds the grade counts of the leadership home: a count
	// linked to its group's ranking filtered to the grade.
	gradeCountRE = regexp.MustCompile(`<a href="(/cycles/\d+/ranking\?grade=[^"]+)">([\d,]+)</a>`)
	// groupCountRE finds a group's total linked to its ranking.
	groupCountRE = regexp.MustCompile(`<td class="num"><a href="(/cycles/\d+/ranking\?group=[^"&]+)">([\d,]+)</a></td></tr>`)
	// pagerRE reads the number of rows of a ranking.
	pagerRE = regexp.MustCompile(`<p class="pager">[\d,]+–[\d,]+ / ([\d,]+)`)
	// moverRE reads a row of the movers: entity, name, group, the previous
	// cycle, previous rank of n, rank of n.
	moverRE = regexp.MustCompile(`<tr><td><a href="/cycles/\d+/results/(\d+)">([^<]+)</a></td><td>([^<]+)</td>\s*` +
		`<td class="num"><a href="/cycles/(\d+)/results/\d+">(\d+) / (\d+)</a></td><td class="num"><a href="[^"]+">(\d+) / (\d+)</a></td>`)
	radarRE = regexp.MustCompile(`(?s)<script type="application/json" id="home-radar-data">(.*?)</script>`)
)

// TestHomeViewer: the home of who reads published results over a
// jurisdiction and runs no cycle — the viewer and the assessment team, not
// the office, the cadre, providers or supervisors — says so in one
// sentence while nothing is published, then shows the published cycle of
// its jurisdiction only; the counts link to rankings that hold as many
// rows, the ungraded (不定等次) included.
func TestHomeViewer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clients := map[auth.Role]*http.Client{}
		for _, role := range auth.Roles {
			clients[role] = f.signIn(t, string(role))
		}
		shows := map[auth.Role]bool{auth.RoleViewer: true, auth.RoleTeam: true}
		for role, c := range clients {
			_, body := f.get(t, c, "/")
			if got := strings.Contains(body, `id="home-viewer"`); got != shows[role] {
				t.Errorf("%s: the home shows the results section: %v, want %v", role, got, shows[role])
			}
			if shows[role] && !strings.Contains(body, "您的管辖范围内暂无已公布的考核结果。") {
				t.Errorf("%s: the home does not say that nothing is published", role)
			}
		}

		co := addCycles(t, f)
		sys := auth.SystemActor("test")
		svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		if _, err := svc.Calibrate(context.Background(), sys, co.in, co.colleague, "不定等次", "长期病休"); err != nil {
			t.Fatal(err)
		}
		viewer := clients[auth.RoleViewer]
		// A cycle outside the jurisdiction is not chosen, whatever the link says.
		_, body := f.get(t, viewer, fmt.Sprintf("/?cycle=%d", co.out))
		if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>jia-cadre2025年度干部考核</option>`, co.in)) ||
			strings.Contains(body, fmt.Sprintf(`value="%d"`, co.out)) {
			t.Fatalf("the viewer's cycles: %s", section(body))
		}
		if n := checkGradeCounts(t, f, viewer, body); n != 3 {
			t.Errorf("the grade counts add up to %d, want 3", n)
		}
		if !strings.Contains(body, ">不定等次</th>") {
			t.Errorf("the grade counts have no column of the ungraded: %s", section(body))
		}
		if !strings.Contains(body, "没有可比较的上一期已公布考核结果。") {
			t.Errorf("a first cycle does not say it has nothing to compare with: %s", section(body))
		}
		p, err := svc.Profile(context.Background(), sys, co.in, firstEntity(t, svc, co.in))
		if err != nil {
			t.Fatal(err)
		}
		checkRadar(t, body, p)
	})
}

// checkViewerHome reads the demo's leadership home (lingdao) on d: it
// opens on the newest published unit cycle; every grade count is the
// length of the ranking it links to; the movers since the previous cycle
// are listed with names and both ranks as the rankings have them; the
// radar draws the dimensions of the first of the ranking, and ?unit=
// draws another unit.
func checkViewerHome(t *testing.T, f *fixture, d *db.DB, c *http.Client) {
	ctx := context.Background()
	sys := auth.SystemActor("test")
	svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	q3 := cycleID(t, d, "qingzhou-county-2026Q3")
	res, body := f.get(t, c, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("lingdao /: got %d", res.StatusCode)
	}
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>2026年第3季度县（市、区）领导班子平时考核</option>`, q3)) {
		t.Errorf("the home does not open on the newest published unit cycle: %s", section(body))
	}
	if n := checkGradeCounts(t, f, c, body); n != 10 {
		t.Errorf("the grade counts of 2026Q3 add up to %d, want the 10 counties", n)
	}
	_, cadres := f.get(t, c, fmt.Sprintf("/?cycle=%d", cycleID(t, d, "qingzhou-cadres-2025")))
	if n, want := checkGradeCounts(t, f, c, cadres), entityCount(t, d, "qingzhou-cadres-2025"); n != want {
		t.Errorf("the grade counts of the cadres add up to %d, want %d", n, want)
	}

	// 2025 against 2024: 石桥县 and 丰谷县 swap places in 农业主产区; the
	// others keep their rank and are ordered by the change of their total.
	y25, y24 := cycleID(t, d, "qingzhou-county-2025"), cycleID(t, d, "qingzhou-county-2024")
	_, body = f.get(t, c, fmt.Sprintf("/?cycle=%d", y25))
	if !strings.Contains(body, "与2024年度县（市、区）领导班子综合考核相比") {
		t.Errorf("the movers of 2025 are not compared with 2024: %s", section(body))
	}
	up, down := expectedMovers(t, svc, sys, y25, y24)
	if len(up) == 0 || up[0].name != "石桥县" || up[0].rank != 1 || up[0].prev != 2 {
		t.Fatalf("the rankings say the first riser is %+v, want 石桥县 from 2 to 1", up)
	}
	i, j := strings.Index(body, "<h4>进步最大</h4>"), strings.Index(body, "<h4>退步最大</h4>")
	if i < 0 || j < i {
		t.Fatalf("no movers on the home: %s", section(body))
	}
	for _, part := range []struct {
		name string
		html string
		want []mover
	}{{"up", body[i:j], up}, {"down", body[j:], down}} {
		got := moversOn(part.html)
		if len(got) != len(part.want) {
			t.Errorf("%s: %d movers shown, want %d: %+v", part.name, len(got), len(part.want), got)
			continue
		}
		for k, m := range part.want {
			if g := got[k]; g.name != m.name || g.group != m.group || g.rank != m.rank || g.prev != m.prev ||
				g.n != m.n || g.prevN != m.prevN || g.prevCycle != y24 {
				t.Errorf("%s %d: shown %+v, want %+v", part.name, k, g, m)
			}
		}
	}
	_, body = f.get(t, c, fmt.Sprintf("/?cycle=%d", cycleID(t, d, "qingzhou-county-2023")))
	if !strings.Contains(body, "没有可比较的上一期已公布考核结果。") {
		t.Errorf("the first year says nothing of its movers: %s", section(body))
	}

	// The radar: the first of the ranking, also when the link names an
	// unknown cycle and unit; then ?unit= another county.
	first := firstEntity(t, svc, q3)
	p, err := svc.Profile(ctx, sys, q3, first)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/?cycle=1&unit=2"} {
		_, body = f.get(t, c, path)
		checkRadar(t, body, p)
		if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, q3)) {
			t.Errorf("%s: the home does not show 2026Q3", path)
		}
	}
	rk, err := svc.Ranking(ctx, sys, q3, cycle.RankFilter{Group: "urban"})
	if err != nil {
		t.Fatal(err)
	}
	other := rk.Rows[len(rk.Rows)-1].Entity
	if other.ID == first {
		t.Fatal("the last urban county is the first of the ranking")
	}
	_, body = f.get(t, c, fmt.Sprintf("/?cycle=%d&unit=%s", q3, other.ID))
	if p, err = svc.Profile(ctx, sys, q3, other.ID); err != nil {
		t.Fatal(err)
	}
	checkRadar(t, body, p)
	if !strings.Contains(body, fmt.Sprintf(`<option value="%s" selected>%s</option>`, other.ID, other.Name)) {
		t.Errorf("the unit select does not show %s chosen", other.Name)
	}
}

// section is the leadership section of a home page, for failure messages.
func section(body string) string {
	i := strings.Index(body, `id="home-viewer"`)
	if i < 0 {
		return "(no leadership section)"
	}
	return body[i:min(len(body), i+3000)]
}

// checkGradeCounts follows every grade count and group total of the home
// page body and checks that the ranking behind it has as many rows; it
// returns the sum of the group totals.
func checkGradeCounts(t *testing.T, f *fixture, c *http.Client, body string) int {
	t.Helper()
	rows := func(link string) int {
		t.Helper()
		link = html.UnescapeString(link)
		res, page := f.get(t, c, link)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: got %d", link, res.StatusCode)
		}
		// The ranking's filter shows the grade linked.
		u, _ := url.Parse(link)
		if g := u.Query().Get("grade"); g != "" && !strings.Contains(page, `<option value="`+g+`" selected>`) {
			t.Errorf("%s: the ranking's grade filter does not show %s", link, g)
		}
		m := pagerRE.FindStringSubmatch(page)
		if m == nil {
			return 0
		}
		return atoi(t, m[1])
	}
	cells := gradeCountRE.FindAllStringSubmatch(body, -1)
	if len(cells) == 0 {
		t.Fatalf("no grade counts on the home: %s", section(body))
	}
	for _, m := range cells {
		if n := rows(m[1]); n != atoi(t, m[2]) {
			t.Errorf("%s: the home counts %s, the ranking lists %d", html.UnescapeString(m[1]), m[2], n)
		}
	}
	sum := 0
	for _, m := range groupCountRE.FindAllStringSubmatch(body, -1) {
		n := atoi(t, m[2])
		if got := rows(m[1]); got != n {
			t.Errorf("%s: the home counts %d, the ranking lists %d", html.UnescapeString(m[1]), n, got)
		}
		sum += n
	}
	return sum
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// entityCount is the number of entities of the cycle with code.
func entityCount(t *testing.T, d *db.DB, code string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT entities FROM cycles WHERE code = $1`, code).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// firstEntity is the first of the ranking of cycle id: rank 1 of its first
// group.
func firstEntity(t *testing.T, svc *cycle.Service, id int64) string {
	t.Helper()
	rk, err := svc.Ranking(context.Background(), auth.SystemActor("test"), id, cycle.RankFilter{Limit: 1})
	if err != nil || len(rk.Rows) == 0 {
		t.Fatalf("ranking of %d: %+v %v", id, rk, err)
	}
	return rk.Rows[0].Entity.ID
}

// checkRadar checks that the home's radar draws p's dimensions, p's own
// scores first, against the group.
func checkRadar(t *testing.T, body string, p *cycle.Profile) {
	t.Helper()
	m := radarRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no radar on the home: %s", section(body))
	}
	var rc struct {
		Indicators []struct{ Name string }
		Series     []struct {
			Name string
			Data []*float64
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &rc); err != nil {
		t.Fatalf("radar data %s: %v", m[1], err)
	}
	if len(rc.Indicators) != len(p.Dimensions) || len(rc.Indicators) < 3 || len(rc.Series) != 3 {
		t.Fatalf("radar %s, want the %d dimensions of %s against the group mean and median", m[1], len(p.Dimensions), p.Result.Entity.Name)
	}
	if rc.Series[0].Name != p.Result.Entity.Name {
		t.Errorf("the radar draws %s, want %s", rc.Series[0].Name, p.Result.Entity.Name)
	}
	for k, dm := range p.Dimensions {
		got := rc.Series[0].Data[k]
		v := math.NaN()
		if got != nil {
			v = *got
		}
		if rc.Indicators[k].Name != dm.Name || (v != float64(dm.Score) && !(math.IsNaN(v) && math.IsNaN(float64(dm.Score)))) {
			t.Errorf("radar axis %d: %s %v, want %s %v", k, rc.Indicators[k].Name, v, dm.Name, dm.Score)
		}
	}
}

// mover is a row of the movers as shown or as the rankings say.
type mover struct {
	entity, name, group  string
	prevCycle            int64
	rank, n, prev, prevN int
	gain                 float64
	unit                 int64
}

// moversOn reads the rows of the movers tables in page.
func moversOn(page string) []mover {
	var out []mover
	for _, m := range moverRE.FindAllStringSubmatch(page, -1) {
		pc, _ := strconv.ParseInt(m[4], 10, 64)
		num := func(s string) int { n, _ := strconv.Atoi(s); return n }
		out = append(out, mover{entity: m[1], name: m[2], group: m[3], prevCycle: pc,
			prev: num(m[5]), prevN: num(m[6]), rank: num(m[7]), n: num(m[8])})
	}
	return out
}

// expectedMovers works out the movers of cycle id against prev from the
// two rankings: up those that rose in rank, or kept it and gained points;
// down the reverse; the five largest moves each.
func expectedMovers(t *testing.T, svc *cycle.Service, a *auth.Actor, id, prev int64) (up, down []mover) {
	t.Helper()
	ranks := func(id int64) map[string]*cycle.Result {
		out := map[string]*cycle.Result{}
		rk, err := svc.Ranking(context.Background(), a, id, cycle.RankFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range rk.Groups {
			rk, err := svc.Ranking(context.Background(), a, id, cycle.RankFilter{Group: g.Group})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rk.Rows {
				out[r.Entity.ID] = r
			}
		}
		return out
	}
	names := map[string]string{"agri": "农业主产区", "eco": "生态功能区", "urban": "城区/经济发达地区"}
	before := ranks(prev)
	for e, r := range ranks(id) {
		p := before[e]
		if p == nil || p.Entity.Group != r.Entity.Group {
			continue
		}
		m := mover{entity: e, name: r.Entity.Name, group: names[r.Entity.Group], rank: r.Rank, n: r.GroupSize,
			prev: p.Rank, prevN: p.GroupSize, gain: r.Total - p.Total, unit: r.Entity.UnitID}
		switch places := p.Rank - r.Rank; {
		case places > 0 || places == 0 && m.gain > 5e-7:
			up = append(up, m)
		case places < 0 || places == 0 && m.gain < -5e-7:
			down = append(down, m)
		}
	}
	order := func(sign int) func(x, y mover) int {
		return func(x, y mover) int {
			return cmp.Or(sign*cmp.Compare(x.prev-x.rank, y.prev-y.rank), sign*cmp.Compare(x.gain, y.gain), cmp.Compare(x.unit, y.unit))
		}
	}
	slices.SortFunc(up, order(-1))
	slices.SortFunc(down, order(1))
	return up[:min(len(up), 5)], down[:min(len(down), 5)]
}

// TestHomeViewerBrowser opens the demo's leadership home in Chromium: the
// grade chart draws a bar series per grade, the radar draws, and choosing
// another unit in the form draws that unit's radar.
func TestHomeViewerBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		var viewer demo.Login
		for _, l := range sum.Logins {
			if l.Login == "lingdao" {
				viewer = l
			}
		}
		svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		rk, err := svc.Ranking(t.Context(), auth.SystemActor("test"), cycleID(t, d, "qingzhou-county-2026Q3"), cycle.RankFilter{Group: "urban"})
		if err != nil {
			t.Fatal(err)
		}
		other := rk.Rows[len(rk.Rows)-1].Entity
		ctx := browser(t)
		var ce consoleErrors
		ce.listen(ctx)
		radarOf := `JSON.parse(document.getElementById("home-radar-data").textContent).series[0].name`
		var texts []box
		var first, second string
		err = chromedp.Do(ctx,
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(f.ts.URL+"/signin"),
			chromedp.WaitVisible(`input[name="login"]`),
			chromedp.SendKeys(`input[name="login"]`, viewer.Login),
			chromedp.SendKeys(`input[name="password"]`, viewer.Password),
			chromedp.Click(`.signin-box button[type="submit"]`),
			chromedp.WaitVisible(`#home-grades[data-drawn="true"] canvas`),
			chromedp.WaitVisible(`#home-radar[data-drawn="true"] canvas`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				if texts, err = chromedp.Evaluate[[]box](chartTexts+`("home-grades")`)(ctx, tg); err != nil {
					return err
				}
				first, err = chromedp.Evaluate[string](radarOf)(ctx, tg)
				return err
			}),
			chromedp.SetValue(`select[name="unit"]`, other.ID),
			chromedp.Click(`form:has(select[name="unit"]) button[type="submit"]`),
			// The page the form opens marks the unit chosen.
			chromedp.WaitReady(fmt.Sprintf(`select[name="unit"] option[value="%s"][selected]`, other.ID)),
			chromedp.WaitVisible(`#home-radar[data-drawn="true"] canvas`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				second, err = chromedp.Evaluate[string](radarOf)(ctx, tg)
				return err
			}),
		)
		if err != nil {
			t.Fatalf("open the leadership home: %v", err)
		}
		if png, err := screenshot(ctx); err == nil {
			os.WriteFile(filepath.Join(artifacts(t), "home-viewer.png"), png, 0o644)
		}
		for _, grade := range []string{"好", "较好", "一般", "较差"} {
			if !slices.ContainsFunc(texts, func(b box) bool { return b.T == grade }) {
				t.Errorf("the grade chart's legend lacks %s (drawn: %v)", grade, texts)
			}
		}
		if first == other.Name || second != other.Name {
			t.Errorf("the radar drew %s, then %s after choosing %s", first, second, other.Name)
		}
		if errs := ce.take(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
	})
}
