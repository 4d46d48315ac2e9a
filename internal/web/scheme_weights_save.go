package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
)

// schemeWeightsSave stores the weights of a draft version per category.
// Every parent's children must sum to 100 in every category; a refusal
// names the parent and shows the entered weights again.
func (h *Handler) schemeWeightsSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	submitted := map[string]string{}
	for k, vals := range r.PostForm {
		if strings.HasPrefix(k, "w:") && len(vals) > 0 {
			submitted[k] = strings.TrimSpace(vals[0])
		}
	}
	doc := v.Doc
	var bad errs.List
	cats := append([]string{scheme.DefaultCategory}, s.Categories...)
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		for _, c := range cats {
			raw, ok := submitted[weightField(ind.Code, c)]
			if !ok {
				continue
			}
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil || x < 0 || x != x {
				e := errs.New(errs.Invalid, "scheme.weight_invalid", fmt.Sprintf("weight of %s: %q is not a non-negative number", ind.Code, raw))
				e.Args = map[string]any{"indicator": ind.Code, "value": raw}
				bad.Add(e)
				continue
			}
			if c == scheme.DefaultCategory {
				ind.Weight = x
				continue
			}
			if ind.Weights == nil {
				ind.Weights = map[string]float64{}
			}
			ind.Weights[c] = x
		}
	}
	if len(bad) > 0 {
		h.renderVersion(w, r, a, http.StatusUnprocessableEntity, bad, submitted)
		return
	}
	if _, err := h.scheme.UpdateVersion(r.Context(), a, v.ID, scheme.Draft{Doc: doc, Reason: v.Reason,
		EffectiveCycle: v.EffectiveCycle, EffectiveFrom: v.EffectiveFrom}); err != nil {
		h.renderVersion(w, r, a, errs.HTTPStatus(err), err, submitted)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=scheme_saved", s.ID, v.Number), http.StatusSeeOther)
}
