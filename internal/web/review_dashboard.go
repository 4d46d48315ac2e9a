package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// reviewDashboardData is the office's 好差评 dashboard of a unit's subtree
// for a year: the rates per unit, their trend over the years, the items
// where 差评 concentrate, and the open and overdue work orders.
type reviewDashboardData struct {
	UnitID  int64
	Unit    string
	Period  string
	Periods []string
	Rows    []reviewMetricsRow
	Trend   []reviewTrendRow
	Worst   []reviewWorstItem
	// Decide is true for the office: publish, escalate, apply defaults.
	Decide bool
	Export string
	Flash  string
}

type reviewMetricsRow struct {
	UnitID                                                  int64
	Unit                                                    string
	Cases, Counted, Orders                                  string
	Active, Good, Bad, Rectify, Visit, Satisfaction, Points string
	Concentrated                                            string
	Open, Overdue, Escalated                                int
}

type reviewTrendRow struct {
	Period, Cases, Active, Good, Bad, Rectify string
}

type reviewWorstItem struct {
	Unit, Item string
	Bad        int
}

// rateText shows a rate with one decimal, "—" when there is none.
func rateText(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "%"
}

// sumMetrics adds up the counts of ms, for a jurisdiction's totals.
func sumMetrics(ms []*review.Metrics) *review.Metrics {
	var t review.Metrics
	for _, m := range ms {
		t.Cases += m.Cases
		t.Reviewed += m.Reviewed
		t.Counted += m.Counted
		t.Good += m.Good
		t.Bad += m.Bad
		t.Points += m.Points
		t.Orders += m.Orders
		t.InSLA += m.InSLA
	}
	return &t
}

// serviceUnit is the unit a 好差评 page is about: ?unit=, else the first
// unit the actor may read reviews of.
func (h *Handler) serviceUnit(r *http.Request, a *auth.Actor) (int64, error) {
	if s := r.URL.Query().Get("unit"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return 0, notFound()
		}
		return id, nil
	}
	for _, g := range a.Grants {
		if auth.ReachOf(g.Role, auth.ActServiceRead) == auth.Subtree {
			return g.UnitID, nil
		}
	}
	return 0, h.policy.RequireAny(a, auth.ActServiceRead)
}

// reviewDashboard shows the dashboard.
func (h *Handler) reviewDashboard(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ctx := r.Context()
	id, err := h.serviceUnit(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.org.Unit(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	periods, err := h.review.Periods(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	d := reviewDashboardData{UnitID: id, Unit: u.Name, Periods: periods, Decide: h.policy.Authorize(a, auth.ActServiceDecide, u.Path) == nil}
	d.Period = r.URL.Query().Get("period")
	if !slices.Contains(periods, d.Period) && len(periods) > 0 {
		d.Period = periods[0]
	}
	if d.Period != "" {
		ms, err := h.review.UnitMetrics(ctx, a, id, d.Period)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		counts, err := h.review.CountOrders(ctx, a, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, m := range ms {
			d.Rows = append(d.Rows, metricsRow(p, m, counts[m.UnitID]))
			for _, c := range m.Concentrated {
				d.Worst = append(d.Worst, reviewWorstItem{Unit: m.Unit, Item: c.Item, Bad: c.Bad})
			}
		}
		slices.SortStableFunc(d.Worst, func(a, b reviewWorstItem) int { return cmp.Compare(b.Bad, a.Bad) })
		d.Worst = d.Worst[:min(len(d.Worst), 10)]
		for _, per := range periods[:min(len(periods), 5)] {
			pms, err := h.review.UnitMetrics(ctx, a, id, per)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			t := sumMetrics(pms)
			d.Trend = append(d.Trend, reviewTrendRow{Period: per, Cases: p.loc.Num(int64(t.Cases)), Active: rateText(t.ActiveRate()),
				Good: rateText(t.GoodRate()), Bad: rateText(t.BadRate()), Rectify: rateText(t.RectifyRate())})
		}
		d.Export = "/review/metrics.xlsx?" + url.Values{"unit": {strconv.FormatInt(id, 10)}, "period": {d.Period}}.Encode()
	}
	p.Data = d
	h.write(w, r, http.StatusOK, "review_dashboard", "layout", p)
}

func metricsRow(p *page, m *review.Metrics, c review.OrderCounts) reviewMetricsRow {
	row := reviewMetricsRow{UnitID: m.UnitID, Unit: m.Unit, Cases: p.loc.Num(int64(m.Cases)), Counted: p.loc.Num(int64(m.Counted)),
		Orders: p.loc.Num(int64(m.Orders)), Active: rateText(m.ActiveRate()), Good: rateText(m.GoodRate()), Bad: rateText(m.BadRate()),
		Rectify: rateText(m.RectifyRate()), Visit: rateText(m.VisitRate()), Satisfaction: rateText(m.VisitSatisfaction()),
		Open: c.Open, Overdue: c.Overdue, Escalated: c.Escalated}
	if v, ok := m.MeanPoints(); ok {
		row.Points = strconv.FormatFloat(v, 'f', 2, 64)
	} else {
		row.Points = "—"
	}
	for i, ic := range m.Concentrated {
		if i > 0 {
			row.Concentrated += "、"
		}
		row.Concentrated += ic.Item + "（" + strconv.Itoa(ic.Bad) + "）"
	}
	return row
}

// reviewPublish computes the metrics of a unit's subtree for a year and
// publishes them as the review system's data items.
func (h *Handler) reviewPublish(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	period := r.PostForm.Get("period")
	if _, err := h.review.PublishMetrics(r.Context(), a, id, period); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review?"+url.Values{"unit": {strconv.FormatInt(id, 10)}, "period": {period}, "flash": {"review_published"}}.Encode(),
		http.StatusSeeOther)
}

// reviewEscalate sends the overdue work orders of the actor's jurisdiction
// to the units' superiors.
func (h *Handler) reviewEscalate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	var unit int64
	for _, g := range a.Grants {
		if auth.ReachOf(g.Role, auth.ActServiceDecide) == auth.Subtree {
			unit = g.UnitID
			break
		}
	}
	if unit == 0 {
		h.fail(w, r, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActServiceDecide)))
		return
	}
	if _, err := h.review.Escalate(r.Context(), a, unit); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/orders?overdue=1&flash=review_escalated", http.StatusSeeOther)
}
