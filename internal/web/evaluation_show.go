package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationShowData is the content of an evaluation's page.
type evaluationShowData struct {
	ID                      int64
	Title, Period, Unit     string
	Kind, KindLabel, Status string
	StatusText              string
	MinGroupSize, MaxTop    int
	UniformTop              bool
	Groups                  []groupRow
	Subjects                []subjectRow
	Participation           participationData
	CanManage, Draft, Open  bool
	Closed                  bool
	PublicURL               string
	Opened, Closing         string
}

// groupRow is a rater group with its weight.
type groupRow struct {
	Code, Label string
	Weight      float64
}

// subjectRow is one subject of the ballot.
type subjectRow struct {
	Name, Detail, Questionnaire string
}

// participationData is the live participation table, refreshed by htmx.
type participationData struct {
	ID   int64
	Rows []participationRow
}

type participationRow struct {
	Label        string
	Issued, Used int
	Percent      string
}

// evaluationShow shows an evaluation: its set-up, rater groups, subjects,
// live participation and the organisers' actions.
func (h *Handler) evaluationShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.survey.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "evaluations")
	p.Title = e.Title
	data := evaluationShowData{
		ID: e.ID, Title: e.Title, Period: e.Period, Unit: e.UnitName, Kind: string(e.Kind),
		KindLabel: p.loc.T("survey.kind." + string(e.Kind)), Status: string(e.Status),
		StatusText: p.loc.T("survey.status." + string(e.Status)), MinGroupSize: e.Rules.MinGroupSize,
		MaxTop: e.Rules.MaxTop, UniformTop: e.Rules.UniformTopInvalid,
		CanManage: h.policy.Authorize(a, auth.ActEvalManage, e.UnitPath) == nil,
		Draft:     e.Status == survey.StatusDraft, Open: e.Status == survey.StatusOpen, Closed: e.Status == survey.StatusClosed,
		Opened: p.loc.DateTime(e.OpenedAt), Closing: p.loc.DateTime(e.ClosedAt),
	}
	if e.PublicToken != "" && e.Status == survey.StatusOpen {
		data.PublicURL = h.base + "/s/" + e.PublicToken
	}
	for _, g := range e.Groups {
		data.Groups = append(data.Groups, groupRow{Code: string(g.Code), Label: p.loc.T("survey.group." + string(g.Code)), Weight: g.Weight})
	}
	for _, s := range e.Subjects {
		data.Subjects = append(data.Subjects, subjectRow{Name: s.Name, Detail: s.Detail,
			Questionnaire: p.loc.T("survey.questionnaire." + s.Questionnaire)})
	}
	if data.CanManage {
		if data.Participation, err = h.participation(r, a, id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	p.Crumbs = []crumb{{Name: p.loc.T("evaluations.title"), URL: "/evaluations"}, {Name: e.Title}}
	p.Data = data
	h.render(w, r, http.StatusOK, "evaluation_show", p)
}

// participation builds the participation table.
func (h *Handler) participation(r *http.Request, a *auth.Actor, id int64) (participationData, error) {
	ps, err := h.survey.Participation(r.Context(), a, id)
	if err != nil {
		return participationData{}, err
	}
	loc := h.localizer(r)
	out := participationData{ID: id}
	for _, pt := range ps {
		row := participationRow{Label: loc.T("survey.group." + string(pt.Group.Code)), Issued: pt.Issued, Used: pt.Used, Percent: "–"}
		if pt.Issued > 0 {
			row.Percent = percent(float64(pt.Used) / float64(pt.Issued))
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// evaluationParticipation renders the participation table alone: the
// evaluation page polls it with htmx while ballots come in.
func (h *Handler) evaluationParticipation(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := h.participation(r, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "evaluations")
	p.Data = evaluationShowData{Participation: data}
	h.renderPartial(w, r, "evaluation_show", "evaluation_participation", p)
}
