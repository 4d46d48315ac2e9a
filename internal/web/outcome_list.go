package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/outcome"
)

// outcomeListData is the use-of-results page: the pending proposals, the
// decided ones, and the units whose rules the actor may run.
type outcomeListData struct {
	Pending, Decided []proposalRow
	// Units are the units the office runs the rules for (its grants).
	Units []option
}

// proposalRow is a proposal by labels.
type proposalRow struct {
	ID                                     int64
	PersonID                               int64
	Person, Unit, Rule, Action, Status     string
	Year                                   int
	Reason, DecidedBy, DecidedAt, Proposed string
}

// proposalRowOf labels proposal pr for page p.
func proposalRowOf(p *page, pr *outcome.Proposal) proposalRow {
	row := proposalRow{ID: pr.ID, PersonID: pr.PersonID, Person: pr.Person, Unit: pr.Unit, Rule: pr.RuleName,
		Action: p.loc.T("outcome.action." + string(pr.Action)), Status: p.loc.T("outcome.status." + string(pr.Status)),
		Year: pr.Year, Reason: pr.Reason, DecidedBy: pr.DecidedBy, Proposed: p.loc.Date(pr.CreatedAt.In(beijing))}
	if !pr.DecidedAt.IsZero() {
		row.DecidedAt = p.loc.DateTime(pr.DecidedAt.In(beijing))
	}
	return row
}

// outcomeList shows the proposals in the actor's scope.
func (h *Handler) outcomeList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ps, err := h.outcome.Proposals(r.Context(), a, outcome.Filter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "outcome")
	var data outcomeListData
	for _, pr := range ps {
		if pr.Status == outcome.Pending {
			data.Pending = append(data.Pending, proposalRowOf(p, pr))
		} else {
			data.Decided = append(data.Decided, proposalRowOf(p, pr))
		}
	}
	for _, g := range a.Grants {
		if h.policy.Authorize(a, auth.ActOutcomeDecide, g.UnitPath) == nil {
			data.Units = append(data.Units, option{Value: strconv.FormatInt(g.UnitID, 10), Label: h.unitName(r, a, g.UnitID)})
		}
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "outcome_list", p)
}

// unitName is the name of unit id as the actor sees it, "" when it may
// not.
func (h *Handler) unitName(r *http.Request, a *auth.Actor, id int64) string {
	u, err := h.org.Unit(r.Context(), a, id)
	if err != nil {
		return ""
	}
	return u.Name
}

// outcomeRun runs the rules of the unit the form names and shows the
// proposals.
func (h *Handler) outcomeRun(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	unit, err := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	ps, err := h.outcome.Propose(r.Context(), a, unit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "outcome_proposed"
	if len(ps) == 0 {
		flash = "outcome_nothing_new"
	}
	http.Redirect(w, r, "/outcome?flash="+flash, http.StatusSeeOther)
}

// outcomeMenu reports whether a reads proposals somewhere: the office and
// leaders, not a cadre by her Self reach.
func outcomeMenu(pol auth.Policy, a *auth.Actor) bool {
	sc := pol.Scope(a, auth.ActOutcomeRead)
	sc.Self = false
	return !sc.Empty()
}
