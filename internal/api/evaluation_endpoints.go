package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationList answers the evaluations the actor may manage or read the
// results of (?unit= narrows to a unit's subtree).
func (h *Handler) evaluationList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	var f survey.Filter
	if s := r.URL.Query().Get("unit"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.ServeError(w, r, errNotFound())
			return
		}
		f.UnitID = id
	}
	list, err := h.survey.List(r.Context(), a, f)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := EvaluationList{Evaluations: []Evaluation{}}
	for _, e := range list {
		out.Evaluations = append(out.Evaluations, toEvaluation(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// evaluationResults answers the tallies of a closed evaluation.
func (h *Handler) evaluationResults(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	res, err := h.survey.Results(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := EvaluationResults{Evaluation: toEvaluation(res.Evaluation), Groups: []ResultGroup{}, Subjects: []ResultSubject{}}
	var shown []string
	for _, g := range res.Groups {
		rg := ResultGroup{Code: string(g.Group.Code), Weight: g.Group.Weight, Shown: g.Shown}
		if g.Shown {
			rg.Cast, rg.Valid, rg.Invalid = &g.Cast, &g.Valid, &g.Invalid
			shown = append(shown, rg.Code)
		}
		out.Groups = append(out.Groups, rg)
	}
	for _, s := range res.Subjects {
		rs := ResultSubject{Kind: string(s.Subject.Kind), Entity: s.Subject.Entity(), Name: s.Subject.Name,
			Detail: s.Subject.Detail, Items: []ResultItem{}}
		for _, it := range s.Items {
			ri := ResultItem{Item: survey.ItemRef(s.Subject.Questionnaire, it.Item.Code), Groups: map[string]ResultCell{},
				Combined: toCell(it.Combined)}
			for k, c := range it.Groups {
				ri.Groups[shown[k]] = toCell(c)
			}
			rs.Items = append(rs.Items, ri)
		}
		out.Subjects = append(out.Subjects, rs)
	}
	writeJSON(w, http.StatusOK, out)
}

// evaluationRatings answers a closed evaluation's tallies as the engine's
// rating rows, every item mapped to an indicator of its own reference.
func (h *Handler) evaluationRatings(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	refs := map[string]string{}
	for _, q := range survey.Questionnaires {
		for _, it := range q.Items {
			ref := survey.ItemRef(q.Code, it.Code)
			refs[ref] = ref
		}
	}
	rs, err := h.survey.Ratings(r.Context(), a, id, refs)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := RatingList{Ratings: []Rating{}}
	for _, x := range rs {
		out.Ratings = append(out.Ratings, Rating{Entity: x.Entity, Indicator: x.Indicator, Group: x.Group,
			Score: x.Score, Grade: x.Grade, Count: x.Count})
	}
	writeJSON(w, http.StatusOK, out)
}
