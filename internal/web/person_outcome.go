package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// personOutcomeView is the use-of-results part of the cadre page (干部实绩
// 档案): annual grades with where each was read, decisions on the rules'
// proposals with the rewards among them, and handovers — as known now or
// at the end of an as-of day.
type personOutcomeView struct {
	// AsOf is the as-of day shown ("" for now), AsOfLabel it for reading.
	AsOf, AsOfLabel string
	Grades          []yearGrade
	Rewards         []proposalRow
	Decisions       []proposalRow
	Handovers       []handoverRow
	// Link is the page without the as-of day; Report the pre-appointment
	// report, for the office and leaders.
	Link, Report string
}

// personOutcome fills the archive of person id as the request's ?asof=
// day knows it, and in an as-of view keeps only what was known then of
// the sections package cycle and finding filled. It leaves data alone for
// an actor who may not read the archive.
func (h *Handler) personOutcome(ctx context.Context, r *http.Request, p *page, a *auth.Actor, id int64, data *personShowData) error {
	asOf := r.URL.Query().Get("asof")
	ar, err := h.outcome.ArchiveOf(ctx, a, id, asOf)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	v := &personOutcomeView{AsOf: asOf, Grades: yearGradesOf(p, ar.Grades), Link: "/people/" + strconv.FormatInt(id, 10)}
	if a.PersonID != id && outcomeMenu(h.policy, a) {
		v.Report = reportLink(id)
	}
	for _, pr := range ar.Decisions {
		row := proposalRowOf(p, pr)
		if pr.Status == outcome.Adopted && pr.Action.Reward() {
			v.Rewards = append(v.Rewards, row)
		}
		v.Decisions = append(v.Decisions, row)
	}
	for _, ho := range ar.Handovers {
		v.Handovers = append(v.Handovers, handoverRowOf(p, h.policy, a, ho, false))
	}
	data.Outcome = v
	if asOf == "" {
		return nil
	}
	v.AsOfLabel = p.loc.Date(day(asOf))
	var rows []archiveRow
	for _, row := range data.Results.Rows {
		if slices.Contains(ar.Cycles, row.CycleID) {
			rows = append(rows, row)
		}
	}
	data.Results.Rows, data.TeamResults.Rows, data.Evaluations, data.Integrity = rows, nil, nil, nil
	data.Findings, data.MoreFindings = nil, ""
	for _, fd := range ar.Findings {
		data.Findings = append(data.Findings, h.findingRow(p, fd))
	}
	if data.Sanctions != nil {
		v := sanctionViews(p, ar.Sanctions, todayText())
		if v == nil {
			v = []sanctionView{}
		}
		data.Sanctions = &v
	}
	return nil
}
