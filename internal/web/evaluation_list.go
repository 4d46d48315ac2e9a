package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationListData is the content of the evaluations page.
type evaluationListData struct {
	// Unit names the unit the list is narrowed to, "" for all.
	Unit        string
	Evaluations []evaluationRow
	// CanCreate shows the form that sets an evaluation up.
	CanCreate bool
	Form      evaluationForm
	Groups    []groupField
}

// evaluationRow is one evaluation in the list.
type evaluationRow struct {
	ID                    int64
	Title, Period, Unit   string
	Kind, Status          string
	KindLabel, StatusText string
	Created               time.Time
}

// evaluationForm is what the set-up form holds.
type evaluationForm struct {
	Unit, Kind, Title, Period string
	MinGroupSize, MaxTop      string
	UniformTop                bool
}

// groupField is a rater group's weight field on the set-up form.
type groupField struct {
	Code, Label, Weight string
}

// defaultWeights are the weights the set-up form proposes: 上级 0.3,
// 同级 0.3, 下级 0.2, 服务对象 0.2.
var defaultWeights = map[survey.GroupCode]string{
	survey.GroupSuperior: "0.3", survey.GroupPeer: "0.3", survey.GroupSubordinate: "0.2", survey.GroupClient: "0.2",
}

// evaluationList lists the evaluations the actor may manage or read, or
// those of one unit (?unit=id), with the set-up form for organisers.
func (h *Handler) evaluationList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderEvaluations(w, r, a, http.StatusOK, "", evaluationForm{
		Kind: string(survey.KindEvaluation), MinGroupSize: strconv.Itoa(survey.DefaultMinGroupSize), UniformTop: true,
	}, nil)
}

// renderEvaluations renders the list with the form as given and a message.
func (h *Handler) renderEvaluations(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, msg string,
	form evaluationForm, weights map[survey.GroupCode]string) {
	var f survey.Filter
	var unitName string
	if s := r.URL.Query().Get("unit"); s != "" {
		// The service checks the unit: out of sight answers not found.
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, notFound())
			return
		}
		f.UnitID = id
	} else if err := h.policy.RequireAny(a, auth.ActEvalResults); err != nil && h.policy.RequireAny(a, auth.ActEvalManage) != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.survey.List(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if f.UnitID != 0 {
		u, err := h.org.Unit(r.Context(), a, f.UnitID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		unitName = u.Name
	}
	p := h.newPage(r, "evaluations")
	p.Error = msg
	data := evaluationListData{Unit: unitName, Form: form, CanCreate: !h.policy.Scope(a, auth.ActEvalManage).Empty()}
	if weights == nil {
		weights = map[survey.GroupCode]string{}
		for g, w := range defaultWeights {
			weights[g] = w
		}
	}
	for _, g := range survey.GroupCodes {
		data.Groups = append(data.Groups, groupField{Code: string(g), Label: p.loc.T("survey.group." + string(g)), Weight: weights[g]})
	}
	for _, e := range list {
		data.Evaluations = append(data.Evaluations, evaluationRow{
			ID: e.ID, Title: e.Title, Period: e.Period, Unit: e.UnitName, Kind: string(e.Kind), Status: string(e.Status),
			KindLabel: p.loc.T("survey.kind." + string(e.Kind)), StatusText: p.loc.T("survey.status." + string(e.Status)),
			Created: e.CreatedAt,
		})
	}
	p.Data = data
	h.render(w, r, status, "evaluation_list", p)
}
