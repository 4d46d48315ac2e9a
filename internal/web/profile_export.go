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
		loc.T("profile.normalised"), loc.T("profile.weight"), loc.T("profile.contribution"), loc.T("profile.note"),
		loc.T("profile.finding_kind"), loc.T("profile.finding_points"), loc.T("profile.finding_status")}
	var rows [][]any
	numCell := func(x float64) any {
		if x != x {
			return ""
		}
		return x
	}
	// The rows of the page, in words (explanationRows), with the numbers
	// as numbers.
	words := explanationRows(loc, pr)
	for k, it := range pr.Explanation.Items {
		w := words[k].row
		rows = append(rows, []any{w.Name, w.Indicator, w.Kind, numCell(float64(it.Raw)), numCell(float64(it.Normalised)),
			numCell(float64(it.Weight)), it.Contribution, w.Note, w.Finding, w.Points, w.Status})
	}
	for _, e := range words[len(pr.Explanation.Items):] {
		w := e.row
		rows = append(rows, []any{w.Name, "", w.Kind, "", "", "", 0.0, w.Note, w.Finding, w.Points, w.Status})
	}
	rows = append(rows, []any{loc.T("profile.sum"), "", "", "", "", "", pr.Result.Total, pr.Result.Grade, "", "", ""})
	h.sendSheet(w, r, loc.T("profile.sheet"), header, rows, pr.Cycle.Name+"-"+pr.Result.Entity.Name+"-得分构成.xlsx")
}
