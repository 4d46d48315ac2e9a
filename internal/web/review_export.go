package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/review"
)

// workOrderExport downloads the board's work orders as a workbook.
func (h *Handler) workOrderExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := workOrderFilter(r.URL.Query())
	f.Limit = 5000
	orders, err := h.review.Orders(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review_orders")
	header := []string{p.loc.T("review.orders.number"), p.loc.T("review.orders.unit"), p.loc.T("review.item.name"), p.loc.T("review.case.number"),
		p.loc.T("review.orders.level"), p.loc.T("review.order.comment"), p.loc.T("review.orders.state"), p.loc.T("review.orders.owner"),
		p.loc.T("review.orders.opened"), p.loc.T("review.orders.verify_due"), p.loc.T("review.orders.rectify_due"), p.loc.T("review.orders.closed"),
		p.loc.T("review.overdue"), p.loc.T("review.escalated")}
	today := todayText()
	rows := make([][]any, 0, len(orders))
	for _, o := range orders {
		rows = append(rows, []any{o.Number, o.Unit, o.Item, o.CaseNumber, p.loc.T("review.level." + string(o.Level)), o.Comment,
			p.loc.T("review.state." + string(o.State)), o.Owner, o.OpenedOn, o.VerifyDue, o.RectifyDue, o.ClosedOn,
			yesNo(p, o.Overdue(today)), o.EscalatedOn})
	}
	h.sendSheet(w, r, p.loc.T("review.orders.sheet"), header, rows, p.loc.T("review.orders.sheet")+".xlsx")
}

func yesNo(p *page, b bool) string {
	if b {
		return p.loc.T("review.yes")
	}
	return p.loc.T("review.no")
}

// reviewMetricsExport downloads the dashboard's rates per unit.
func (h *Handler) reviewMetricsExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := h.serviceUnit(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	period := r.URL.Query().Get("period")
	ms, err := h.review.UnitMetrics(r.Context(), a, id, period)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	header := []string{p.loc.T("review.orders.unit"), p.loc.T("review.metric.cases"), p.loc.T("review.metric.active"), p.loc.T("review.metric.good"),
		p.loc.T("review.metric.bad"), p.loc.T("review.metric.rectify"), p.loc.T("review.metric.visit"), p.loc.T("review.metric.satisfaction"),
		p.loc.T("review.metric.points"), p.loc.T("review.metric.concentrated")}
	rows := make([][]any, 0, len(ms))
	for _, m := range ms {
		row := metricsRow(p, m, review.OrderCounts{})
		rows = append(rows, []any{m.Unit, m.Cases, row.Active, row.Good, row.Bad, row.Rectify, row.Visit, row.Satisfaction, row.Points, row.Concentrated})
	}
	h.sendSheet(w, r, p.loc.T("review.metrics.sheet"), header, rows, p.loc.T("review.metrics.sheet")+period+".xlsx")
}

// reviewHeldExport downloads the held reviews with their flags.
func (h *Handler) reviewHeldExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	held, err := h.review.HeldReviews(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review_held")
	header := []string{p.loc.T("review.orders.unit"), p.loc.T("review.item.name"), p.loc.T("review.case.number"), p.loc.T("review.orders.level"),
		p.loc.T("review.held.at"), p.loc.T("review.held.flags")}
	rows := make([][]any, 0, len(held))
	for _, rv := range held {
		var flags string
		for i, f := range rv.Flags {
			if i > 0 {
				flags += "；"
			}
			flags += flagText(p, f)
		}
		rows = append(rows, []any{rv.Unit, rv.Item, rv.Number, p.loc.T("review.level." + string(rv.Level)), p.loc.DateTime(rv.ReviewedAt), flags})
	}
	h.sendSheet(w, r, p.loc.T("review.held.sheet"), header, rows, p.loc.T("review.held.sheet")+".xlsx")
}

// reviewInvitationsExport downloads the unit's cases to invite a review
// of (邀评), to send out.
func (h *Handler) reviewInvitationsExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ivs, err := h.review.Invitations(r.Context(), a, id, 10000)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	header := []string{p.loc.T("review.case.number"), p.loc.T("review.item.name"), p.loc.T("review.case.finished_on"),
		p.loc.T("review.case.channel"), p.loc.T("review.case.last")}
	rows := make([][]any, 0, len(ivs))
	for _, iv := range ivs {
		rows = append(rows, []any{iv.Number, iv.Item, iv.FinishedOn, p.loc.T("review.channel." + string(iv.Channel)), iv.Last})
	}
	h.sendSheet(w, r, p.loc.T("review.invitations.sheet"), header, rows, p.loc.T("review.invitations.sheet")+".xlsx")
}
