package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/score"
)

// rankingPageSize is the number of rows a ranking page shows.
const rankingPageSize = 100

// rankingData is the content of the ranking page.
type rankingData struct {
	C         *cycle.Cycle
	Published bool
	Groups    []cycle.GroupCount
	Group     string
	// Names names the groups.
	Names  groupNames
	Grade  string
	Query  string
	Grades []string
	Rows   []rankRow
	Total  int
	// From and To number the rows shown; Prev and Next link the pages.
	From, To   int
	Prev, Next string
	Export     string
	// Analysis links the dashboard and the heatmap for readers of the
	// cycle.
	Analysis bool
}

// rankRow is one entity of the ranking with its rank interval bar: an SVG
// drawn from attributes (no inline style, which the CSP forbids) over a
// 0–100 box where the group's ranks run from left (1) to right (n).
type rankRow struct {
	Entity                  string
	Name                    string
	Total, Base, Bonus, Ded string
	Rank, P05, P50, P95, N  int
	Grade                   string
	Calibrated              bool
	Flags                   []string
	BarX, BarW, MarkX, P50X string
	Wide                    bool
}

// rankingShow shows a cycle's ranking in one comparison group with the
// rank intervals as bars, filters by grade and name, and pages of 100.
func (h *Handler) rankingShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f := cycle.RankFilter{Group: q.Get("group"), Grade: q.Get("grade"), Query: strings.TrimSpace(q.Get("q")),
		Offset: (page - 1) * rankingPageSize, Limit: rankingPageSize}
	rk, err := h.cycle.Ranking(r.Context(), a, id, f)
	if err != nil {
		h.resultsPending(w, r, a, id, "ranking", err)
		return
	}
	p := h.newPage(r, "cycles")
	data := rankingData{C: rk.Cycle, Published: rk.Published, Groups: rk.Groups, Group: rk.Group, Grade: f.Grade, Query: f.Query,
		Total: rk.Total, Analysis: h.policy.Authorize(a, auth.ActCycleRead, rk.Cycle.OwnerPath) == nil}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	g := rk.Snapshot.Header.Grading
	for _, b := range g.Bands {
		data.Grades = append(data.Grades, b.Grade)
	}
	// The ungraded (不定等次) are filtered by too: where the scheme leaves
	// some ungraded, or where a calibration put one there and a link (the
	// home's grade counts) asks for them.
	if ng := cmp.Or(g.NoGrade, score.DefaultNoGrade); len(g.NoGradeFlags) > 0 || f.Grade == ng {
		data.Grades = append(data.Grades, ng)
	}
	for _, res := range rk.Rows {
		data.Rows = append(data.Rows, rankRowOf(res))
	}
	if len(rk.Rows) > 0 {
		data.From, data.To = f.Offset+1, f.Offset+len(rk.Rows)
	}
	link := func(pg int) string {
		v := url.Values{"group": {rk.Group}}
		if f.Grade != "" {
			v.Set("grade", f.Grade)
		}
		if f.Query != "" {
			v.Set("q", f.Query)
		}
		if pg > 1 {
			v.Set("page", strconv.Itoa(pg))
		}
		return "?" + v.Encode()
	}
	if page > 1 {
		data.Prev = link(page - 1)
	}
	if data.To < rk.Total {
		data.Next = link(page + 1)
	}
	data.Export = "/cycles/" + strconv.FormatInt(id, 10) + "/ranking.xlsx" + link(1)
	p.Title = rk.Cycle.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "ranking_show", p)
}

// rankRowOf formats a result for the ranking table.
func rankRowOf(res *cycle.Result) rankRow {
	n := max(res.GroupSize, 1)
	pos := func(rank int) float64 {
		if n == 1 {
			return 50
		}
		return 100 * float64(rank-1) / float64(n-1)
	}
	x0, x1 := pos(res.RankP05), pos(res.RankP95)
	return rankRow{Entity: res.Entity.ID, Name: res.Entity.Name, Total: fixed(res.Total, 2), Base: fixed(res.Base, 2),
		Bonus: fixed(res.Bonus, 2), Ded: fixed(res.Deduction, 2), Rank: res.Rank, P05: res.RankP05, P50: res.RankP50,
		P95: res.RankP95, N: res.GroupSize, Grade: res.Grade, Calibrated: res.Calibrated, Flags: res.Flags,
		BarX: fixed(x0, 2), BarW: fixed(max(x1-x0, 0.8), 2), MarkX: fixed(pos(res.Rank), 2), P50X: fixed(pos(res.RankP50), 2),
		Wide: res.RankP95-res.RankP05 > max(n/10, 1)}
}
