package web

import (
	"context"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/track"
)

// homeOfficeData is the office's section of the home page: the cycles it
// runs that are under way, each with its stage and what stops it moving
// on, and the collection requests it follows — overdue, due this week,
// and flagged values nobody has reviewed.
type homeOfficeData struct {
	Cycles                   []homeCycle
	Overdue, DueSoon, Review homeList
	// Unreviewed adds up the values of Review.
	Unreviewed int
	// Lagging are the open alerts of key indicators below their
	// trajectory, red first (at most homeAlerts).
	Lagging []alertRow
}

// homeAlerts is how many lagging indicators the office's home lists.
const homeAlerts = 10

// homeCycle is a cycle under way.
type homeCycle struct {
	Name, Link, Stage, Period, EndsOn string
	Blockers                          []string
}

// homeOffice returns the home section of an actor who runs cycles, nil
// for any other.
func (h *Handler) homeOffice(ctx context.Context, p *page, a *auth.Actor, ts *collect.Tasks) (*homeOfficeData, error) {
	if h.policy.Scope(a, auth.ActCycleManage).Empty() {
		return nil, nil
	}
	cs, err := h.cycle.Cycles(ctx, a, cycle.Filter{})
	if err != nil {
		return nil, err
	}
	out := &homeOfficeData{
		Overdue: homeList{ID: "home-overdue", Title: p.loc.T("home.office.overdue"), Count: p.loc.T("collect_status.missing")},
		DueSoon: homeList{ID: "home-due", Title: p.loc.T("home.office.due_soon"), Count: p.loc.T("collect_status.missing")},
		Review:  homeList{ID: "home-review", Title: p.loc.T("home.office.review"), Count: p.loc.T("home.office.unreviewed")},
	}
	for _, c := range cs {
		if c.Stage == cycle.Published || c.Stage == cycle.Closed || h.policy.Authorize(a, auth.ActCycleManage, c.OwnerPath) != nil {
			continue
		}
		bs, err := h.cycle.Blockers(ctx, a, c.ID)
		if err != nil {
			return nil, err
		}
		row := homeCycle{Name: c.Name, Link: "/cycles/" + db.FormatID(c.ID), Stage: p.loc.T("cycle.stage." + string(c.Stage)),
			Period: c.Period, EndsOn: c.EndsOn}
		for _, b := range bs {
			row.Blockers = append(row.Blockers, p.loc.TMap(b.Key, b.Args))
		}
		out.Cycles = append(out.Cycles, row)
	}
	var overdue, dueSoon []*collect.Task
	for _, k := range ts.Watch {
		switch {
		case k.Overdue:
			overdue = append(overdue, k)
		case k.DueWithin(ts.Today, homeDueDays):
			dueSoon = append(dueSoon, k)
		}
		if k.Unreviewed > 0 {
			out.Review.Rows = append(out.Review.Rows, requestOf(k, k.Unreviewed, valuesLink(k)))
			out.Unreviewed += k.Unreviewed
		}
	}
	out.Overdue.Rows, out.DueSoon.Rows = byDepartment(p, overdue), byDepartment(p, dueSoon)
	as, err := h.track.Alerts(ctx, a, track.AlertFilter{Open: true, Limit: homeAlerts})
	if err != nil {
		return nil, err
	}
	out.Lagging = alertRows(p, as)
	return out, nil
}

// homeItemNames is how many item names a department's row lists.
const homeItemNames = 3

// byDepartment sums the tasks (in deadline order) of each department,
// period and deadline in one row, which the office chases together: its
// items by name, their values submitted, expected and missing, linked to
// the region's collection status.
func byDepartment(p *page, ks []*collect.Task) []homeRequest {
	type key struct{ dept, period, due string }
	var out []homeRequest
	at := map[key]int{}
	names := map[key][]string{}
	for _, k := range ks {
		g := key{k.Item.OwnerName, k.Period, k.Due}
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, requestOf(k, 0, statusLink(k)))
			out[i].Submitted, out[i].Expected = 0, 0
		}
		out[i].Submitted += k.Submitted
		out[i].Expected += k.Expected
		out[i].N += k.Missing()
		names[g] = append(names[g], k.Item.Label())
	}
	for g, i := range at {
		ns := names[g]
		out[i].Item = strings.Join(ns[:min(len(ns), homeItemNames)], "、")
		if len(ns) > homeItemNames {
			out[i].Item = p.loc.TMap("home.office.items_more", map[string]any{"names": out[i].Item, "n": len(ns)})
		}
	}
	return out
}
