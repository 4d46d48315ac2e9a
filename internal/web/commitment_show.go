package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/track"
)

// commitmentShowData is a commitment's page: the commitment by its labels,
// its milestones, versions and reports with their evidence, and the forms
// the actor may use at its stage.
type commitmentShowData struct {
	Row        commitmentRow
	C          *track.Detail
	Milestones []track.Milestone
	Versions   []commitmentVersionRow
	Proposed   *commitmentVersionRow
	Reports    []commitmentReportRow
	// The forms: Review (approve or return), Revise (a returned one),
	// Change (propose a change of an approved one), Decide (the change
	// waiting), Report (progress and proof), Verify (the team's verdict).
	Review, Revise, Change, Decide, Report, Verify bool
	Edit                                           *commitmentFormView
	Verdicts                                       []option
	// Errors are the problems of the form ErrorsOf names.
	Errors   []string
	ErrorsOf string
	MaxFiles int
}

// commitmentVersionRow is a version by its labels.
type commitmentVersionRow struct {
	N                     int
	Title, Target, Reason string
	Dimension, Status     string
	At                    time.Time
}

// commitmentReportRow is a report by its labels.
type commitmentReportRow struct {
	Stage, Body, Value string
	At                 time.Time
	Files              []*track.File
	// Late: filed after the stage's window closed.
	Late bool
}

// commitmentShow shows commitment id.
func (h *Handler) commitmentShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderCommitment(w, r, a, http.StatusOK, "", nil, nil)
}

// renderCommitment renders a commitment's page, with the refused form of
// name of and its problems when given.
func (h *Handler) renderCommitment(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, of string, errors []string, form *commitmentForm) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.track.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "commitments")
	data := commitmentShowData{Row: commitmentRowOf(p, &c.Commitment), C: c, Milestones: c.Milestones, Errors: errors, ErrorsOf: of,
		MaxFiles: track.MaxFiles}
	for _, v := range c.Versions {
		data.Versions = append(data.Versions, commitmentVersionOf(p, c, v))
	}
	if c.Proposed != nil {
		v := commitmentVersionOf(p, c, c.Proposed)
		data.Proposed = &v
	}
	for _, rp := range c.Reports {
		row := commitmentReportRow{Stage: p.loc.T("track.report." + string(rp.Stage)), Body: rp.Body, At: rp.CreatedAt, Files: rp.Files,
			Late: rp.Late}
		if rp.Value != nil {
			row.Value = strconv.FormatFloat(*rp.Value, 'f', -1, 64)
		}
		data.Reports = append(data.Reports, row)
	}
	open := c.Status == track.Approved && c.Stage != track.StageVerified
	data.Review = c.Review && c.Status == track.Submitted
	data.Revise = c.Write && c.Status == track.Returned
	data.Change = c.Write && open && c.Proposed == nil
	data.Decide = c.Review && c.Proposed != nil
	data.Report = c.Write && open
	data.Verify = c.Verify && (c.Stage == track.StageProved || c.Stage == track.StageVerified)
	for _, v := range track.Verdicts {
		data.Verdicts = append(data.Verdicts, option{string(v), p.loc.T("track.verdict." + string(v))})
	}
	if data.Revise || data.Change {
		f := commitmentForm{Title: c.Title, Dimension: c.Dimension, Target: string(c.Target), Item: c.ItemCode, DueOn: c.DueOn,
			Milestones: c.Milestones}
		if c.TargetValue != nil {
			f.Value = strconv.FormatFloat(*c.TargetValue, 'f', -1, 64)
		}
		if form != nil {
			f = *form
		}
		if data.Edit, err = h.commitmentEditView(r, p, a, c, f); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	p.Title = c.Title
	p.Data = data
	h.render(w, r, status, "commitment_show", p)
}

// commitmentEditView is the form that revises or changes commitment c: its
// owner and year fixed, the items its unit reports.
func (h *Handler) commitmentEditView(r *http.Request, p *page, a *auth.Actor, c *track.Detail, f commitmentForm) (*commitmentFormView, error) {
	items, err := h.collect.Items(r.Context(), a, collect.ItemFilter{})
	if err != nil {
		return nil, err
	}
	v := &commitmentFormView{F: f, Action: commitmentPath(c.ID) + "/change"}
	for _, it := range items {
		if it.EntityKind == collect.EntityUnit && it.Code != track.ItemTeamDelivery {
			v.Items = append(v.Items, option{it.Code, it.Label() + " · " + frequencyLabel(p, it.Frequency)})
		}
	}
	for _, d := range track.Dimensions {
		v.Dimensions = append(v.Dimensions, option{d, p.loc.T("track.dimension." + d)})
	}
	v.Rows = append(v.Rows, f.Milestones...)
	for len(v.Rows) < formMilestones {
		v.Rows = append(v.Rows, track.Milestone{})
	}
	return v, nil
}

// commitmentVersionOf says a version in words.
func commitmentVersionOf(p *page, c *track.Detail, v *track.Version) commitmentVersionRow {
	n := 0
	if v.Target == track.TargetMilestones {
		n = len(v.Milestones)
	}
	return commitmentVersionRow{N: v.Version, Title: v.Title, Target: targetText(p, v.Target, c.Item, v.TargetValue, v.DueOn, n), Reason: v.Reason,
		Dimension: p.loc.T("track.dimension." + v.Dimension), Status: p.loc.T("track.version." + string(v.Status)), At: v.CreatedAt}
}

// refuseCommitment shows the commitment's page again with a refused form:
// an input problem as the form's localized errors, anything else as the
// error page.
func (h *Handler) refuseCommitment(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error, of string, form *commitmentForm) {
	// Bad input, and a state that refuses the step (a window not open),
	// are said on the page beside the form.
	if !formProblem(err) && !errs.Is(err, errs.Conflict) {
		h.fail(w, r, err)
		return
	}
	h.renderCommitment(w, r, a, errs.HTTPStatus(err), of, rowErrors(h.localizer(r), err), form)
}
