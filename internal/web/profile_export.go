package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// profileExport downloads an entity's decomposition: one row per leaf,
// bonus, deduction, finding and cap line, adding up to the total.
func (h *Handler) profileExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pr, err := h.cycle.Profile(r.Context(), a, id, r.PathValue("entity"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	header := []string{loc.T("profile.indicator"), loc.T("profile.code"), loc.T("profile.kind"), loc.T("profile.raw"),
		loc.T("profile.normalised"), loc.T("profile.weight"), loc.T("profile.contribution"), loc.T("profile.note")}
	var rows [][]any
	numCell := func(x float64) any {
		if x != x {
			return ""
		}
		return x
	}
	for _, it := range pr.Explanation.Items {
		rows = append(rows, []any{pr.Names[it.Indicator], it.Indicator, it.Kind, numCell(float64(it.Raw)), numCell(float64(it.Normalised)),
			numCell(float64(it.Weight)), it.Contribution, it.Note})
	}
	rows = append(rows, []any{loc.T("profile.sum"), "", "", "", "", "", pr.Result.Total, pr.Result.Grade})
	h.sendSheet(w, r, loc.T("profile.sheet"), header, rows, pr.Cycle.Name+"-"+pr.Result.Entity.Name+"-得分构成.xlsx")
}
