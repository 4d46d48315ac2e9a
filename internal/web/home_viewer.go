package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
)

// homeMovers is how many risers and fallers the home section lists.
const homeMovers = 5

// homeUnitsPerGroup is the most entities of one comparison group the
// radar's select offers; the ranking lists them all.
const homeUnitsPerGroup = 200

// homeViewerData is the home section of a reader of published results
// over a jurisdiction who does not run cycles (领导): for one published
// cycle, the grades per comparison group, the entities that moved most
// since the previous cycle, and the radar of one entity against its
// group. Every number links to the list behind it.
type homeViewerData struct {
	// Cycles are the published cycles to choose from, newest first; C is
	// the one shown, nil when none is published.
	Cycles []cycleOption
	C      *cycle.Cycle
	// Grades head the columns of Groups; Chart draws the same counts.
	Grades []string
	Groups []gradeRow
	Chart  distChart
	// Previous is the cycle the movers are compared with, nil when there
	// is none.
	Previous *cycle.Cycle
	Up, Down []moverRow
	// Units are the entities the radar may show, by group; Radar is the
	// one shown, nil when there is none.
	Units []unitChoices
	Radar *homeRadar
}

// gradeRow is one comparison group's grade counts; Link is its ranking.
type gradeRow struct {
	code  string
	Name  string
	N     int
	Link  string
	Cells []gradeCell
}

// gradeCell is a count and the ranking of the group filtered to the grade.
type gradeCell struct {
	N    int
	Link string
}

// moverRow is an entity that rose or fell, linked to its result in both
// cycles; Places is the move in rank ("↑3", "↓2", "—" for none), Gain the
// change of the total ("+4.20").
type moverRow struct {
	Name, Group    string
	Link, PrevLink string
	Rank, N        int
	PrevRank       int
	PrevN          int
	Places, Gain   string
}

// unitChoices are a group's entities in the radar's select.
type unitChoices struct {
	code  string
	Name  string
	Units []unitChoice
}

type unitChoice struct {
	Entity, Name string
	Selected     bool
}

// homeRadar is an entity's dimensions against its group's mean and
// median; Link is its result, GroupLink its group's ranking.
type homeRadar struct {
	Name, Link       string
	Group, GroupLink string
	Chart            radarChart
	Axes             []axisRow
}

// homeViewer returns the home section of an actor who reads published
// results over a jurisdiction (a subtree) and does not manage cycles, nil
// for any other: the office has the cycle pages, and an assessed cadre's
// results are its own, not a jurisdiction's. ?cycle= chooses the cycle
// (default the newest published unit cycle), ?unit= the radar's entity
// (default the first of the ranking).
func (h *Handler) homeViewer(ctx context.Context, a *auth.Actor, r *http.Request) (*homeViewerData, error) {
	if !h.policy.Scope(a, auth.ActCycleManage).Empty() || !readsJurisdiction(h.policy, a) {
		return nil, nil
	}
	all, err := h.cycle.Cycles(ctx, a, cycle.Filter{})
	if err != nil {
		return nil, err
	}
	var pub []*cycle.Cycle
	for _, c := range all {
		if c.PublishedSnapshotID != 0 {
			pub = append(pub, c)
		}
	}
	out := &homeViewerData{}
	if len(pub) == 0 {
		return out, nil
	}
	slices.SortStableFunc(pub, func(x, y *cycle.Cycle) int { return cycle.ByTime(y, x) })
	q := r.URL.Query()
	want, _ := strconv.ParseInt(q.Get("cycle"), 10, 64)
	// The cycle asked for if it is one of them, else the newest unit
	// cycle, else the newest.
	for _, pick := range []func(*cycle.Cycle) bool{
		func(c *cycle.Cycle) bool { return c.ID == want },
		func(c *cycle.Cycle) bool { return c.Subject == cycle.SubjectUnit },
		func(*cycle.Cycle) bool { return true },
	} {
		if k := slices.IndexFunc(pub, pick); k >= 0 {
			out.C = pub[k]
			break
		}
	}
	for _, c := range pub {
		out.Cycles = append(out.Cycles, cycleOption{ID: c.ID, Name: c.Name, Selected: c.ID == out.C.ID})
	}
	// The helpers shared with the pages (radarOf) format with a page's
	// localizer.
	p := &page{loc: h.localizer(r)}
	names, err := h.groupNames(ctx, a, p.loc)
	if err != nil {
		return nil, err
	}
	if err := h.homeGrades(ctx, a, out, names); err != nil {
		return nil, err
	}
	if err := h.homeMovers(ctx, a, out, names); err != nil {
		return nil, err
	}
	return out, h.homeRadar(ctx, a, p, out, names, q.Get("unit"))
}

// readsJurisdiction reports whether a may read results of cadres or
// teams over a subtree (or everywhere), not only its own.
func readsJurisdiction(pol auth.Policy, a *auth.Actor) bool {
	for _, act := range []auth.Action{auth.ActResultRead, auth.ActTeamResultRead} {
		if s := pol.Scope(a, act); s.All || len(s.Subtrees) > 0 {
			return true
		}
	}
	return false
}

// rankingLink is the ranking of cycle id in group, of grade when set.
func rankingLink(id int64, group, grade string) string {
	v := url.Values{"group": {group}}
	if grade != "" {
		v.Set("grade", grade)
	}
	return "/cycles/" + strconv.FormatInt(id, 10) + "/ranking?" + v.Encode()
}

// resultLink is the result of entity in cycle id.
func resultLink(id int64, entity string) string {
	return "/cycles/" + strconv.FormatInt(id, 10) + "/results/" + entity
}

// homeGrades fills in the grade counts of out.C per group.
func (h *Handler) homeGrades(ctx context.Context, a *auth.Actor, out *homeViewerData, names groupNames) error {
	gc, err := h.cycle.GradeCounts(ctx, a, out.C.ID)
	if err != nil {
		return err
	}
	out.Grades = gc.Grades
	out.Chart = distChart{Kind: "distribution"}
	for _, grade := range gc.Grades {
		out.Chart.Series = append(out.Chart.Series, distSerie{Name: grade})
	}
	for _, g := range gc.Groups {
		row := gradeRow{code: g.Group, Name: names.Of(g.Group), N: g.N, Link: rankingLink(out.C.ID, g.Group, "")}
		out.Chart.Labels = append(out.Chart.Labels, row.Name)
		for k, n := range g.Counts {
			row.Cells = append(row.Cells, gradeCell{N: n, Link: rankingLink(out.C.ID, g.Group, gc.Grades[k])})
			out.Chart.Series[k].Data = append(out.Chart.Series[k].Data, n)
		}
		out.Groups = append(out.Groups, row)
	}
	return nil
}

// homeMovers fills in the entities of out.C that moved most since the
// previous cycle.
func (h *Handler) homeMovers(ctx context.Context, a *auth.Actor, out *homeViewerData, names groupNames) error {
	ms, err := h.cycle.Movers(ctx, a, out.C.ID, homeMovers)
	if err != nil {
		return err
	}
	out.Previous = ms.Previous
	rows := func(list []cycle.Move) []moverRow {
		var rs []moverRow
		for _, m := range list {
			rs = append(rs, moverRow{Name: m.Entity.Name, Group: names.Of(m.Entity.Group),
				Link: resultLink(out.C.ID, m.Entity.ID), PrevLink: resultLink(ms.Previous.ID, m.Entity.ID),
				Rank: m.Rank, N: m.GroupSize, PrevRank: m.PrevRank, PrevN: m.PrevGroupSize, Places: places(m.Places()), Gain: gain(m.Gain())})
		}
		return rs
	}
	out.Up, out.Down = rows(ms.Up), rows(ms.Down)
	return nil
}

// places shows a move in rank: up ↑, down ↓, none —.
func places(n int) string {
	switch {
	case n > 0:
		return "↑" + strconv.Itoa(n)
	case n < 0:
		return "↓" + strconv.Itoa(-n)
	}
	return "—"
}

// gain shows a change of total with its sign.
func gain(x float64) string {
	if x < 0 {
		return "−" + fixed(-x, 2)
	}
	return "+" + fixed(x, 2)
}

// homeRadar fills in the entities of out.C by group and the radar of
// entity, or of the first of the ranking when entity is not one the actor
// may read.
func (h *Handler) homeRadar(ctx context.Context, a *auth.Actor, p *page, out *homeViewerData, names groupNames, entity string) error {
	first := ""
	for _, g := range out.Groups {
		rk, err := h.cycle.Ranking(ctx, a, out.C.ID, cycle.RankFilter{Group: g.code, Limit: homeUnitsPerGroup})
		if err != nil {
			return err
		}
		uc := unitChoices{code: g.code, Name: g.Name}
		for _, res := range rk.Rows {
			if first == "" {
				first = res.Entity.ID
			}
			uc.Units = append(uc.Units, unitChoice{Entity: res.Entity.ID, Name: res.Entity.Name})
		}
		out.Units = append(out.Units, uc)
	}
	if first == "" {
		return nil
	}
	var pr *cycle.Profile
	var err error
	if entity != "" {
		pr, err = h.cycle.Profile(ctx, a, out.C.ID, entity)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			pr, err = nil, nil
		}
		if err != nil {
			return err
		}
	}
	if pr == nil {
		if pr, err = h.cycle.Profile(ctx, a, out.C.ID, first); err != nil {
			return err
		}
	}
	res := pr.Result
	chosen := unitChoice{Entity: res.Entity.ID, Name: res.Entity.Name, Selected: true}
	for i := range out.Units {
		uc := &out.Units[i]
		k := slices.IndexFunc(uc.Units, func(u unitChoice) bool { return u.Entity == chosen.Entity })
		switch {
		case k >= 0:
			uc.Units[k].Selected = true
		case uc.code == res.Entity.Group:
			// Asked for by ?unit= beyond the entities the select lists.
			uc.Units = append(uc.Units, chosen)
		}
	}
	rd := &homeRadar{Name: res.Entity.Name, Link: resultLink(out.C.ID, res.Entity.ID),
		Group: names.Of(res.Entity.Group), GroupLink: rankingLink(out.C.ID, res.Entity.Group, "")}
	if len(pr.Dimensions) > 0 {
		rd.Chart, rd.Axes = radarOf(p, res.Entity.Name, pr.Dimensions)
	}
	out.Radar = rd
	return nil
}
