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

// schemeWeightsSave stores the weights of a draft version per category
// (scheme.Service.SetWeights checks them: every parent's children must sum
// to 100 in every category). A refusal names the parent and shows the
// entered weights again.
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
	// The form's fields in the page's order: each node, then each category.
	var (
		settings []scheme.WeightSetting
		bad      errs.List
	)
	cats := append([]string{scheme.DefaultCategory}, s.Categories...)
	for _, ind := range v.Doc.Indicators {
		for _, c := range cats {
			raw, ok := submitted[weightField(ind.Code, c)]
			if !ok {
				continue
			}
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				e := errs.New(errs.Invalid, "scheme.weight_invalid", fmt.Sprintf("weight of %s: %q is not a non-negative number", ind.Code, raw))
				e.Args = map[string]any{"indicator": ind.Code, "value": raw}
				bad.Add(e)
				continue
			}
			settings = append(settings, scheme.WeightSetting{Indicator: ind.Code, Category: c, Weight: x})
		}
	}
	if len(bad) > 0 {
		h.renderVersion(w, r, a, http.StatusUnprocessableEntity, bad, submitted)
		return
	}
	if _, err := h.scheme.SetWeights(r.Context(), a, v.ID, settings); err != nil {
		h.renderVersion(w, r, a, errs.HTTPStatus(err), err, submitted)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=scheme_saved", s.ID, v.Number), http.StatusSeeOther)
}
