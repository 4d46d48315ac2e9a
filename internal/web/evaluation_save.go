package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/survey"
)

// evaluationSave sets an evaluation up from the form: a democratic
// evaluation of a unit's leadership team and its members, or a public
// satisfaction survey of a region; then shows it.
func (h *Handler) evaluationSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	form := evaluationForm{
		Unit: strings.TrimSpace(r.PostFormValue("unit")), Kind: r.PostFormValue("kind"),
		Title: strings.TrimSpace(r.PostFormValue("title")), Period: strings.TrimSpace(r.PostFormValue("period")),
		MinGroupSize: strings.TrimSpace(r.PostFormValue("min_group_size")), MaxTop: strings.TrimSpace(r.PostFormValue("max_top")),
		UniformTop: r.PostFormValue("uniform_top") != "",
	}
	weights := map[survey.GroupCode]string{}
	e := survey.Evaluation{Kind: survey.Kind(form.Kind), Title: form.Title, Period: form.Period,
		Rules: survey.Rules{UniformTopInvalid: form.UniformTop}}
	var err error
	for _, g := range survey.GroupCodes {
		v := strings.TrimSpace(r.PostFormValue("weight_" + string(g)))
		weights[g] = v
		if v == "" || err != nil {
			continue
		}
		wt, perr := strconv.ParseFloat(v, 64)
		if perr != nil {
			err = fieldError("weight", "survey.weight_invalid", "weight is not a number")
			continue
		}
		if wt > 0 {
			e.Groups = append(e.Groups, survey.Group{Code: g, Weight: wt})
		}
	}
	if err == nil {
		e.Rules.MinGroupSize, err = intField("min_group_size", form.MinGroupSize, survey.DefaultMinGroupSize)
	}
	if err == nil {
		e.Rules.MaxTop, err = intField("max_top", form.MaxTop, 0)
	}
	var ev *survey.Evaluation
	if err == nil {
		var u *org.Unit
		if u, err = h.unitByCode(r, a, form.Unit); err == nil {
			e.UnitID = u.ID
			if e.Kind == survey.KindSatisfaction {
				e.Subjects = []survey.Subject{{Kind: survey.SubjectRegion, UnitID: u.ID}}
			} else {
				e.Subjects, err = h.survey.TeamSubjects(r.Context(), a, u.ID)
			}
		}
	}
	if err == nil {
		ev, err = h.survey.Create(r.Context(), a, e)
	}
	if err != nil {
		h.renderEvaluations(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), form, weights)
		return
	}
	http.Redirect(w, r, "/evaluations/"+strconv.FormatInt(ev.ID, 10)+"?flash=evaluation_created", http.StatusSeeOther)
}

// intField parses an optional whole number of a form; "" gives def.
func intField(field, s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fieldError(field, "survey.number_invalid", field+" is not a whole number")
	}
	return n, nil
}

// fieldError is an Invalid error about a form field.
func fieldError(field, key, msg string) error {
	e := errs.New(errs.Invalid, key, msg)
	e.Field = field
	return e
}
