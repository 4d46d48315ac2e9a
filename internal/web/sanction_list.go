package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// sanctionListData is the content of the sanctions page: the sanctions of
// cadres in the office's scope with their effect periods and follow-ups,
// the overdue follow-ups first, and the form that records a sanction.
type sanctionListData struct {
	Overdue []followUpView
	Rows    []sanctionView
	// Kinds are the kinds the form offers, with their default periods;
	// People the cadres it offers, by name and unit.
	Kinds, People []option
	Form          url.Values
	Errors        []string
	Today         string
}

// sanctionView is a sanction by labels.
type sanctionView struct {
	ID                                        int64
	PersonID                                  int64
	Person, Unit, Kind, KindCode              string
	DecidedOn, EffectiveFrom, EffectiveTo     string
	Reference, Body, Status, LiftedOn, Period string
	FindingID                                 int64
	Active                                    bool
	FollowUps                                 []followUpView
}

// followUpView is a follow-up by labels.
type followUpView struct {
	ID                                    int64
	PersonID                              int64
	Person, Kind, Sanction, DueOn, DoneOn string
	Notes, User                           string
	Overdue                               bool
}

// sanctionViews labels sanctions for page p.
func sanctionViews(p *page, sns []*finding.Sanction, today string) []sanctionView {
	loc := p.loc
	var out []sanctionView
	for _, s := range sns {
		v := sanctionView{ID: s.ID, PersonID: s.PersonID, Person: s.Person, Unit: s.Unit, Kind: loc.T("sanction.kind." + string(s.Kind)),
			KindCode: string(s.Kind), DecidedOn: loc.Date(day(s.DecidedOn)), EffectiveFrom: loc.Date(day(s.EffectiveFrom)),
			Reference: s.Reference, Body: s.Body, Status: loc.T("sanction.status." + string(s.Status)), FindingID: s.FindingID,
			Active: s.Status == finding.SanctionActive}
		if s.EffectiveTo != "" {
			v.EffectiveTo = loc.Date(day(s.EffectiveTo))
		}
		if s.LiftedOn != "" {
			v.LiftedOn = loc.Date(day(s.LiftedOn))
		}
		for _, fu := range s.FollowUps {
			v.FollowUps = append(v.FollowUps, followUpOf(p, fu, today))
		}
		out = append(out, v)
	}
	return out
}

// followUpOf labels a follow-up for page p.
func followUpOf(p *page, fu *finding.FollowUp, today string) followUpView {
	loc := p.loc
	v := followUpView{ID: fu.ID, PersonID: fu.PersonID, Person: fu.Person, Kind: loc.T("sanction.follow_up.kind." + string(fu.Kind)),
		Sanction: loc.T("sanction.kind." + string(fu.Sanction)), DueOn: loc.Date(day(fu.DueOn)), Notes: fu.Notes, User: fu.User,
		Overdue: fu.Overdue(today)}
	if fu.DoneOn != "" {
		v.DoneOn = loc.Date(day(fu.DoneOn))
	}
	return v
}

// sanctionList shows the sanctions page to the office; Forbidden for
// anyone else (a cadre reads hers on her own page).
func (h *Handler) sanctionList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderSanctions(w, r, a, http.StatusOK, nil, nil)
}

// renderSanctions renders the sanctions page with a refused form's
// problems and values.
func (h *Handler) renderSanctions(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string, form url.Values) {
	if h.policy.Scope(a, auth.ActSanctionWrite).Empty() {
		h.fail(w, r, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActSanctionWrite)))
		return
	}
	ctx := r.Context()
	p := h.newPage(r, "sanctions")
	today := todayText()
	sns, err := h.finding.Sanctions(ctx, a, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	overdue, err := h.finding.OverdueFollowUps(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, _, err := h.org.FindPeople(ctx, a, org.PersonFilter{Serving: true, Limit: 1000})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := sanctionListData{Rows: sanctionViews(p, sns, today), Form: form, Errors: problems, Today: today}
	if data.Form == nil {
		data.Form = url.Values{}
	}
	for _, fu := range overdue {
		data.Overdue = append(data.Overdue, followUpOf(p, fu, today))
	}
	for _, k := range finding.SanctionKinds {
		label := p.loc.T("sanction.kind." + string(k))
		if n := h.finding.Period(k); n > 0 {
			label = p.loc.T("sanction.kind_period", "Kind", label, "Months", n)
		}
		data.Kinds = append(data.Kinds, option{Value: string(k), Label: label})
	}
	for _, pe := range people {
		data.People = append(data.People, option{Value: db.FormatID(pe.ID), Label: pe.Name + " · " + pe.UnitName})
	}
	p.Data = data
	h.render(w, r, status, "sanction_list", p)
}

// sanctionSave records a sanction from the form; a refused form is shown
// again with its problems and writes nothing.
func (h *Handler) sanctionSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := r.PostFormValue
	person, _ := strconv.ParseInt(f("person"), 10, 64)
	fid, _ := strconv.ParseInt(f("finding"), 10, 64)
	sn := finding.Sanction{PersonID: person, Kind: finding.SanctionKind(f("kind")), DecidedOn: f("decided_on"),
		EffectiveFrom: f("effective_from"), FindingID: fid, Reference: f("reference"), Body: f("body")}
	if _, err := h.finding.RecordSanction(r.Context(), a, sn); err != nil {
		h.refuseSanction(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/sanctions?flash=sanction_saved", http.StatusSeeOther)
}

// sanctionLift lifts a sanction or closes an investigation.
func (h *Handler) sanctionLift(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.finding.LiftSanction(r.Context(), a, id, r.PostFormValue("lifted_on"), r.PostFormValue("reason")); err != nil {
		h.refuseSanction(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/sanctions?flash=sanction_lifted", http.StatusSeeOther)
}

// followUpSave records a follow-up done with its notes.
func (h *Handler) followUpSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.finding.RecordFollowUp(r.Context(), a, id, r.PostFormValue("done_on"), r.PostFormValue("notes")); err != nil {
		h.refuseSanction(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/sanctions?flash=follow_up_saved", http.StatusSeeOther)
}

// refuseSanction shows the sanctions page again with the problems of a
// refused form, or fails for any other error.
func (h *Handler) refuseSanction(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error) {
	if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Conflict) {
		h.fail(w, r, err)
		return
	}
	h.renderSanctions(w, r, a, errs.HTTPStatus(err), rowErrors(h.localizer(r), err), r.PostForm)
}
