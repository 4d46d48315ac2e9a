package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// personReportData is the pre-appointment report (任前考察材料) of a
// cadre: who she is, her posts, and her archive as the office knows it
// today — grades, rewards and decisions, findings with their status,
// sanctions, the unfit-for-post check, adjustments, the reserve pool and
// training — one printable sheet.
type personReportData struct {
	PersonID       int64
	Name, Made, By string
	Facts          []fact
	History        []postRow
	Grades         []yearGrade
	Decisions      []proposalRow
	Findings       []findingRow
	Sanctions      []sanctionView
	Career         *personCareerView
	Pool           []reserveRow
}

// personReport shows the report of cadre {id} to the office and leaders
// of her units (not to the cadre herself, whose archive is her page).
func (h *Handler) personReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	pe, err := h.org.Person(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var paths []string
	for _, po := range pe.Posts {
		if po.End == "" {
			paths = append(paths, po.UnitPath)
		}
	}
	if err := h.policy.AuthorizePerson(a, auth.ActOutcomeRead, 0, append(paths, placePath(pe.Posts, pe.UnitID))); err != nil {
		h.fail(w, r, err)
		return
	}
	ar, err := h.outcome.ArchiveOf(ctx, a, id, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "units")
	data := personReportData{PersonID: id, Name: pe.Name, Made: p.loc.Date(day(todayText())), By: a.Name,
		Facts: []fact{
			{p.loc.T("person.gender"), p.loc.T("person.gender." + string(pe.Gender))},
			{p.loc.T("person.birth_date"), p.loc.Date(day(pe.BirthDate))},
			{p.loc.T("person.party"), p.loc.T("person.party." + string(pe.Party))},
			{p.loc.T("person.education"), p.loc.T("person.education." + string(pe.Education))},
			{p.loc.T("person.unit"), pe.UnitName},
		},
		Grades: yearGradesOf(p, ar.Grades)}
	for _, po := range pe.Posts {
		data.History = append(data.History, postRow{Unit: po.UnitName, Title: po.Title, Since: day(po.Start), Until: day(po.End)})
	}
	for _, pr := range ar.Decisions {
		data.Decisions = append(data.Decisions, proposalRowOf(p, pr))
	}
	for _, fd := range ar.Findings {
		data.Findings = append(data.Findings, h.findingRow(p, fd))
	}
	data.Sanctions = sanctionViews(p, ar.Sanctions, todayText())
	if data.Career, err = h.personCareer(ctx, p, a, id, paths, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Career != nil {
		data.Career.MayDecide = false
	}
	es, err := h.outcome.Pool(ctx, a)
	if err != nil && !errs.Is(err, errs.Forbidden) {
		h.fail(w, r, err)
		return
	}
	for _, e := range es {
		if e.PersonID == id {
			data.Pool = append(data.Pool, reserveRowOf(p, e))
		}
	}
	p.Title = p.loc.T("outcome.report.title", "name", pe.Name)
	p.Data = data
	h.write(w, r, http.StatusOK, "person_report", "sheet", p)
}

// reportLink is the report of person id.
func reportLink(id int64) string { return "/people/" + strconv.FormatInt(id, 10) + "/report" }
