package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/review"
)

// workOrderListData is the work-order board: the orders in the actor's
// scope, filtered by state, overdue or escalated, with counts per state.
type workOrderListData struct {
	Rows   []workOrderRow
	States []option
	// Filter is the board's query: state, overdue ("1").
	State, Overdue string
	Counts         []workOrderCount
	Export         string
	// Decide is true for the office, which may escalate overdue orders.
	Decide bool
	UnitID int64
	// Unit is the name of the unit the board is narrowed to, "" for all.
	Unit string
}

type workOrderCount struct {
	Label string
	N     int
}

// workOrderRow is an order on a list.
type workOrderRow struct {
	ID                                    int64
	Number, Unit, Item, Case, Level       string
	LevelCode, State, StateCode, Owner    string
	Opened, VerifyDue, RectifyDue, Closed string
	Overdue, Escalated, InSLA, Excluded   bool
}

// workOrderRows converts orders for a list, today 'YYYY-MM-DD' telling the
// overdue ones.
func workOrderRows(p *page, orders []*review.Order, today string) []workOrderRow {
	out := make([]workOrderRow, len(orders))
	for i, o := range orders {
		out[i] = workOrderRow{ID: o.ID, Number: o.Number, Unit: o.Unit, Item: o.Item, Case: o.CaseNumber,
			Level: p.loc.T("review.level." + string(o.Level)), LevelCode: string(o.Level),
			State: p.loc.T("review.state." + string(o.State)), StateCode: string(o.State), Owner: o.Owner,
			Opened: dayText(p.loc, o.OpenedOn), VerifyDue: dayText(p.loc, o.VerifyDue), RectifyDue: dayText(p.loc, o.RectifyDue),
			Overdue: o.Overdue(today), Escalated: o.EscalatedOn != "", InSLA: o.ClosedInSLA, Excluded: o.ReviewStatus == review.Excluded}
		if o.ClosedOn != "" {
			out[i].Closed = dayText(p.loc, o.ClosedOn)
		}
	}
	return out
}

// workOrderFilter reads the board's query.
func workOrderFilter(q url.Values) review.OrderFilter {
	f := review.OrderFilter{State: review.State(q.Get("state")), Overdue: q.Get("overdue") == "1"}
	if !f.State.Valid() {
		f.State = ""
	}
	f.Under, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	return f
}

// workOrderList shows the board of 差评 work orders: the office's of its
// jurisdiction, a unit's of its own, with their deadlines.
func (h *Handler) workOrderList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := workOrderFilter(r.URL.Query())
	orders, err := h.review.Orders(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review_orders")
	d := workOrderListData{Rows: workOrderRows(p, orders, todayText()), States: codeOptions(p.loc, "review.state.", review.States),
		State: string(f.State), Export: "/review/orders.xlsx?" + r.URL.RawQuery, Decide: !h.policy.Scope(a, auth.ActServiceDecide).Empty(),
		UnitID: f.Under}
	if f.Overdue {
		d.Overdue = "1"
	}
	if f.Under != 0 {
		u, err := h.org.Unit(r.Context(), a, f.Under)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Unit = u.Name
	}
	counts := map[string]int{}
	overdue := 0
	for _, row := range d.Rows {
		counts[row.StateCode]++
		if row.Overdue {
			overdue++
		}
	}
	for _, s := range review.States {
		if n := counts[string(s)]; n > 0 {
			d.Counts = append(d.Counts, workOrderCount{Label: p.loc.T("review.state." + string(s)), N: n})
		}
	}
	if overdue > 0 {
		d.Counts = append(d.Counts, workOrderCount{Label: p.loc.T("review.overdue"), N: overdue})
	}
	p.Data = d
	h.write(w, r, http.StatusOK, "work_order_list", "layout", p)
}
