package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// reviewView is the review section of a finding: the exemptions with
// their steps as a timeline and their checklists, the clarification, and
// the one form the actor may fill next — none for who may not act.
type reviewView struct {
	FindingID     int64
	Exemptions    []exemptionView
	Clarification *clarificationView
	// Apply offers the application form, for the cadres of ApplyFor (and
	// the unit with UnitApply).
	Apply     bool
	ApplyFor  []option
	UnitApply bool
	// Next is the step whose form the actor may fill, of exemption OpenID.
	Next   string
	OpenID int64
	// Clarify offers the clarification form.
	Clarify   bool
	Criteria  []option
	Kinds     []option
	Audiences []option
	// Errors are a refused form's localized problems, shown atop the
	// section; Form its values, to fill it again.
	Errors []string
	Form   url.Values
}

type exemptionView struct {
	ID      int64
	For     string
	Outcome string
	Open    bool
	Steps   []stepView
	Checks  []checkView
}

type stepView struct {
	Label, When, User, Day, Body, Note string
}

type checkView struct {
	Label, Answer, Note string
	Files               []*finding.File
}

type clarificationView struct {
	Kind, Alleged, Found, Conclusion, PublishedOn, Audience, Recorder string
}

// findingReview builds the review section of finding id for a.
func (h *Handler) findingReview(ctx context.Context, p *page, a *auth.Actor, id int64) (*reviewView, error) {
	rv, err := h.finding.Review(ctx, a, id)
	if err != nil {
		return nil, err
	}
	loc := p.loc
	v := &reviewView{FindingID: id, Apply: rv.Apply, UnitApply: rv.UnitApply, Next: string(rv.Next), Clarify: rv.Clarify}
	for _, n := range rv.ApplyFor {
		v.ApplyFor = append(v.ApplyFor, option{db.FormatID(n.ID), n.Name})
	}
	if rv.Open != nil {
		v.OpenID = rv.Open.ID
	}
	for _, e := range rv.Exemptions {
		v.Exemptions = append(v.Exemptions, exemptionOf(p, e))
	}
	if c := rv.Clarification; c != nil {
		v.Clarification = &clarificationView{Kind: loc.T("finding.clarification.kind." + string(c.Kind)), Alleged: c.Alleged, Found: c.Found,
			Conclusion: c.Conclusion, PublishedOn: loc.Date(day(c.PublishedOn)),
			Audience: loc.T("finding.clarification.audience." + string(c.Audience)), Recorder: c.Recorder}
	}
	for _, c := range finding.Criteria {
		v.Criteria = append(v.Criteria, option{string(c), loc.T("finding.criterion." + string(c))})
	}
	for _, k := range finding.Accusations {
		v.Kinds = append(v.Kinds, option{string(k), loc.T("finding.clarification.kind." + string(k))})
	}
	for _, k := range finding.Audiences {
		v.Audiences = append(v.Audiences, option{string(k), loc.T("finding.clarification.audience." + string(k))})
	}
	return v, nil
}

// exemptionOf is an exemption as the pages show it.
func exemptionOf(p *page, e *finding.Exemption) exemptionView {
	loc := p.loc
	ev := exemptionView{ID: e.ID, For: e.Person, Open: e.Open()}
	if e.PersonID == 0 {
		ev.For = loc.T("finding.exemption.for_unit")
	}
	if e.Outcome != "" {
		ev.Outcome = loc.T("finding.exemption.outcome." + string(e.Outcome))
	}
	for _, s := range e.Steps {
		sv := stepView{Label: loc.T("finding.exemption.step." + string(s.Step)), When: loc.DateTime(s.At), User: s.User, Body: s.Body,
			Note: s.Note}
		if s.Day != "" {
			sv.Day = loc.Date(day(s.Day))
		}
		ev.Steps = append(ev.Steps, sv)
	}
	for _, c := range e.Checks {
		cv := checkView{Label: loc.T("finding.criterion." + string(c.Criterion)), Note: c.Note, Files: c.Stored,
			Answer: loc.T("finding.checklist.no")}
		if c.Yes() {
			cv.Answer = loc.T("finding.checklist.yes")
		}
		ev.Checks = append(ev.Checks, cv)
	}
	return ev
}

// findingReviewData is the content of the review page.
type findingReviewData struct {
	Title  string
	Review *reviewView
}

// findingReviewShow shows the review of a finding on a page of its own:
// the section the finding's page holds.
func (h *Handler) findingReviewShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderReview(w, r, a, http.StatusOK, nil)
}

// renderReview renders the review page of the finding of the request,
// with a refused form when refused is given.
func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, refused *reviewView) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	dt, err := h.finding.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "findings")
	v, err := h.findingReview(r.Context(), p, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Errors, v.Form = refused.Errors, refused.Form
	}
	p.Title = dt.Title
	p.Data = findingReviewData{Title: dt.Title, Review: v}
	h.render(w, r, status, "finding_review_show", p)
}

// refuseReview shows the review page again with a refused form: an input
// problem or a step out of order as the form's localized errors; not
// found and not allowed as the error page.
func (h *Handler) refuseReview(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error) {
	if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Conflict) {
		h.fail(w, r, err)
		return
	}
	h.renderReview(w, r, a, errs.HTTPStatus(err), &reviewView{Errors: rowErrors(h.localizer(r), err), Form: r.PostForm})
}

// reviewPath is the review of finding id, at the section.
func reviewPath(id int64) string {
	return "/findings/" + strconv.FormatInt(id, 10) + "/review?flash=review_saved#review"
}
