package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
)

// reserveListData is the reserve pool (储备库): the admitted cadres per
// level and field, the candidates awaiting review, those who left, the
// adopted rule proposals not yet put forward, and the nomination form.
type reserveListData struct {
	Pool       []reserveGroup
	Candidates []reserveRow
	Others     []reserveRow
	// Proposed are adopted reserve proposals of cadres not in the pool.
	Proposed []proposalRow
	MayEdit  bool
	// Levels, Fields and People fill the nomination form.
	Levels, Fields, People []option
	Errors                 []string
	Form                   url.Values
}

// reserveGroup is the admitted cadres of one level and field.
type reserveGroup struct {
	Level, Field string
	Rows         []reserveRow
}

// reserveRow is an entry by labels.
type reserveRow struct {
	ID, PersonID                            int64
	Person, Unit, Level, Field, Source      string
	Reason, NominatedBy, Status, Reviewed   string
	ReviewReason, ExitReason, Exited, Since string
}

// reserveRowOf labels entry e for page p.
func reserveRowOf(p *page, e *outcome.Entry) reserveRow {
	row := reserveRow{ID: e.ID, PersonID: e.PersonID, Person: e.Person, Unit: e.Unit,
		Level: p.loc.T("outcome.reserve.level." + e.Level), Field: p.loc.T("outcome.reserve.field." + e.Field),
		Source: p.loc.T("outcome.reserve.source." + e.Source), Reason: e.Reason, NominatedBy: e.NominatedBy,
		Status: p.loc.T("outcome.reserve.status." + string(e.Status)), ReviewReason: e.ReviewReason, ExitReason: e.ExitReason,
		Since: p.loc.Date(e.CreatedAt.In(beijing))}
	if !e.ReviewedAt.IsZero() {
		row.Reviewed = e.ReviewedBy + " · " + p.loc.Date(e.ReviewedAt.In(beijing))
	}
	if !e.ExitedAt.IsZero() {
		row.Exited = p.loc.Date(e.ExitedAt.In(beijing))
	}
	return row
}

// reserveList shows the reserve pool.
func (h *Handler) reserveList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderReserve(w, r, a, http.StatusOK, nil, nil)
}

// renderReserve renders the reserve pool with a refused form.
func (h *Handler) renderReserve(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string, form url.Values) {
	ctx := r.Context()
	es, err := h.outcome.Pool(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	adopted, err := h.outcome.Proposals(ctx, a, outcome.Filter{Status: outcome.Adopted})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "reserve")
	data := reserveListData{Errors: problems, Form: form, MayEdit: !h.policy.Scope(a, auth.ActOutcomeDecide).Empty()}
	if data.Form == nil {
		data.Form = url.Values{}
	}
	put := map[int64]bool{}
	for _, e := range es {
		row := reserveRowOf(p, e)
		switch e.Status {
		case outcome.Admitted:
			if n := len(data.Pool); n == 0 || data.Pool[n-1].Level != row.Level || data.Pool[n-1].Field != row.Field {
				data.Pool = append(data.Pool, reserveGroup{Level: row.Level, Field: row.Field})
			}
			data.Pool[len(data.Pool)-1].Rows = append(data.Pool[len(data.Pool)-1].Rows, row)
		case outcome.Candidate:
			data.Candidates = append(data.Candidates, row)
		default:
			data.Others = append(data.Others, row)
		}
		if e.ProposalID != 0 {
			put[e.ProposalID] = true
		}
	}
	for _, pr := range adopted {
		if pr.Action == outcome.ActReserve && !put[pr.ID] {
			data.Proposed = append(data.Proposed, proposalRowOf(p, pr))
		}
	}
	for _, l := range outcome.Levels {
		data.Levels = append(data.Levels, option{Value: l, Label: p.loc.T("outcome.reserve.level." + l)})
	}
	for _, f := range outcome.Fields {
		data.Fields = append(data.Fields, option{Value: f, Label: p.loc.T("outcome.reserve.field." + f)})
	}
	if data.MayEdit {
		people, _, err := h.org.FindPeople(ctx, a, org.PersonFilter{Serving: true, Limit: 1000})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, pe := range people {
			data.People = append(data.People, option{Value: strconv.FormatInt(pe.ID, 10), Label: pe.Name + " · " + pe.UnitName})
		}
	}
	p.Data = data
	h.render(w, r, status, "reserve_list", p)
}

// reserveSave puts a cadre forward from the form.
func (h *Handler) reserveSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	person, _ := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	proposal, _ := strconv.ParseInt(r.PostFormValue("proposal"), 10, 64)
	_, err := h.outcome.Nominate(r.Context(), a, outcome.Entry{PersonID: person, Level: r.PostFormValue("level"),
		Field: r.PostFormValue("field"), Reason: strings.TrimSpace(r.PostFormValue("reason")), ProposalID: proposal})
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderReserve(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err), r.PostForm)
		return
	}
	http.Redirect(w, r, "/reserve?flash=reserve_nominated", http.StatusSeeOther)
}

// reserveMove reviews (admit, decline) or exits entry {id}.
func (h *Handler) reserveMove(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	switch r.PathValue("step") {
	case "admit":
		_, err = h.outcome.Review(r.Context(), a, id, true, reason)
	case "decline":
		_, err = h.outcome.Review(r.Context(), a, id, false, reason)
	case "exit":
		_, err = h.outcome.Exit(r.Context(), a, id, reason)
	default:
		err = notFound()
	}
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderReserve(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err), nil)
		return
	}
	http.Redirect(w, r, "/reserve?flash=reserve_"+r.PathValue("step"), http.StatusSeeOther)
}
