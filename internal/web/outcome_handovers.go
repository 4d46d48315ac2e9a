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

// handoverListData is the handovers the actor reads and, for the office,
// the form that records one.
type handoverListData struct {
	Rows []handoverRow
	// MayHand shows the form; Units and People are what it offers.
	MayHand       bool
	Units, People []option
	Errors        []string
	Form          url.Values
}

// handoverRow is a handover by labels.
type handoverRow struct {
	ID                              int64
	Unit, Title, From, To, HandedOn string
	FromSigned, ToSigned, Status    string
	Items                           []handoverItemRow
	FromPersonID, ToPersonID        int64
	Signed, MaySign                 bool
	CreatedBy                       string
}

type handoverItemRow struct {
	Kind, Link, Title, Reference, Day, Category string
}

// handoverReads are the actions that read each kind of handover item: an
// item links to its page for an actor allowed one of them on the unit.
var handoverReads = map[string][]auth.Action{
	outcome.ItemFinding:    {auth.ActFindingRead},
	outcome.ItemCommitment: {auth.ActCommitmentRead},
	outcome.ItemTask:       {auth.ActFeedbackRead, auth.ActTeamFeedbackRead},
	outcome.ItemLedger:     {auth.ActLedgerRead},
	outcome.ItemAlert:      {auth.ActMonitorRead},
}

// handoverItemOf labels item it for page p, linked when link.
func handoverItemOf(p *page, ho *outcome.Handover, it outcome.HandoverItem, link bool) handoverItemRow {
	row := handoverItemRow{Kind: p.loc.T("outcome.handover.kind." + it.Kind), Title: it.Title, Reference: it.Reference, Category: it.Category}
	if it.Since != "" {
		row.Day = p.loc.Date(day(it.Since))
	}
	id := strconv.FormatInt(it.ID, 10)
	switch it.Kind {
	case outcome.ItemFinding:
		row.Category, row.Link = p.loc.FindingCategory(it.Category), "/findings/"+id
	case outcome.ItemCommitment:
		row.Category, row.Link = p.loc.T("track.dimension."+it.Category), commitmentPath(it.ID)
	case outcome.ItemTask:
		row.Day, row.Link = p.loc.T("outcome.handover.due", "day", p.loc.Date(day(it.Due))), reportPath(it.Report)+"#task-"+id
	case outcome.ItemLedger:
		row.Category, row.Link = p.loc.T("track.entry."+it.Category), "/ledger?unit="+strconv.FormatInt(ho.UnitID, 10)
	case outcome.ItemAlert:
		row.Category, row.Link = p.loc.T("outcome.handover.alert_period", "period", it.Category), "/monitors"
	}
	if !link {
		row.Link = ""
	}
	return row
}

// handoverRowOf labels handover ho for page p and actor a; with links,
// each item links to its page for an actor who reads that kind there.
func handoverRowOf(p *page, pol auth.Policy, a *auth.Actor, ho *outcome.Handover, links bool) handoverRow {
	row := handoverRow{ID: ho.ID, Unit: ho.Unit, Title: ho.Title, From: ho.From, To: ho.To, HandedOn: p.loc.Date(day(ho.HandedOn)),
		FromPersonID: ho.FromPersonID, ToPersonID: ho.ToPersonID, Signed: ho.Signed(), CreatedBy: ho.CreatedBy,
		Status: p.loc.T("outcome.handover.status_open")}
	if ho.Signed() {
		row.Status = p.loc.T("outcome.handover.status_signed")
	}
	if !ho.FromSigned.IsZero() {
		row.FromSigned = p.loc.DateTime(ho.FromSigned.In(beijing))
	}
	if !ho.ToSigned.IsZero() {
		row.ToSigned = p.loc.DateTime(ho.ToSigned.In(beijing))
	}
	row.MaySign = a.PersonID != 0 && (a.PersonID == ho.FromPersonID && ho.FromSigned.IsZero() ||
		a.PersonID == ho.ToPersonID && ho.ToSigned.IsZero())
	for _, it := range ho.Items {
		link := false
		for _, act := range handoverReads[it.Kind] {
			link = link || links && pol.Authorize(a, act, ho.UnitPath) == nil
		}
		row.Items = append(row.Items, handoverItemOf(p, ho, it, link))
	}
	return row
}

// handoverList shows the handovers.
func (h *Handler) handoverList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderHandovers(w, r, a, http.StatusOK, nil, nil)
}

// renderHandovers renders the handovers with a refused form.
func (h *Handler) renderHandovers(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string, form url.Values) {
	ctx := r.Context()
	hs, err := h.outcome.Handovers(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "handovers")
	data := handoverListData{Errors: problems, Form: form, MayHand: !h.policy.Scope(a, auth.ActOutcomeDecide).Empty()}
	if data.Form == nil {
		data.Form = url.Values{}
	}
	for _, ho := range hs {
		data.Rows = append(data.Rows, handoverRowOf(p, h.policy, a, ho, false))
	}
	if data.MayHand {
		people, _, err := h.org.FindPeople(ctx, a, org.PersonFilter{Serving: true, Limit: 1000})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		seen := map[int64]bool{}
		for _, pe := range people {
			data.People = append(data.People, option{Value: strconv.FormatInt(pe.ID, 10), Label: pe.Name + " · " + pe.UnitName})
			if !seen[pe.UnitID] {
				seen[pe.UnitID] = true
				data.Units = append(data.Units, option{Value: strconv.FormatInt(pe.UnitID, 10), Label: pe.UnitName})
			}
		}
	}
	p.Data = data
	h.render(w, r, status, "handover_list", p)
}

// handoverSave records a handover from the form.
func (h *Handler) handoverSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	id := func(k string) int64 { n, _ := strconv.ParseInt(r.PostFormValue(k), 10, 64); return n }
	ho, err := h.outcome.Hand(r.Context(), a, outcome.Handover{UnitID: id("unit"), Title: r.PostFormValue("title"),
		FromPersonID: id("from"), ToPersonID: id("to"), HandedOn: strings.TrimSpace(r.PostFormValue("handed_on"))})
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderHandovers(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err), r.PostForm)
		return
	}
	http.Redirect(w, r, "/handovers/"+strconv.FormatInt(ho.ID, 10)+"?flash=handover_recorded", http.StatusSeeOther)
}

// handoverShow shows handover {id} with its items and signatures.
func (h *Handler) handoverShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ho, err := h.outcome.Handover(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "handovers")
	row := handoverRowOf(p, h.policy, a, ho, true)
	p.Crumbs = []crumb{{Name: p.loc.T("outcome.handovers"), URL: "/handovers"}, {Name: ho.Unit + " · " + ho.Title}}
	p.Title = ho.Unit + ho.Title + p.loc.T("outcome.handover.title_suffix")
	p.Data = row
	h.render(w, r, http.StatusOK, "handover_show", p)
}

// handoverSign signs handover {id} for the actor's side.
func (h *Handler) handoverSign(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.outcome.Sign(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/handovers/"+strconv.FormatInt(id, 10)+"?flash=handover_signed", http.StatusSeeOther)
}
