package web

import (
	"math"
	"net/http"

	"kaohe/internal/auth"
)

// evaluationResultsExport downloads the results of a closed evaluation as
// a workbook: a row per subject and item, a column per shown rater group,
// the combined value, the favourable share and the votes per grade. Groups
// below the minimum size have no column, as on the page.
func (h *Handler) evaluationResultsExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.survey.Results(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	header := []string{loc.T("evaluation.subject"), loc.T("evaluation.detail"), loc.T("results.item")}
	for _, g := range res.Groups {
		if g.Shown {
			header = append(header, loc.T("survey.group."+string(g.Group.Code)))
		}
	}
	header = append(header, loc.T("results.combined"), loc.T("results.favourable"), loc.T("results.votes"))
	p := &page{loc: loc}
	var rows [][]any
	for _, s := range res.Subjects {
		for _, it := range s.Items {
			row := []any{s.Subject.Name, s.Subject.Detail, loc.T(it.Item.Key)}
			for _, c := range it.Groups {
				row = append(row, cellNumber(c.Value))
			}
			row = append(row, cellNumber(it.Combined.Value), cellNumber(it.Combined.Favourable), h.resultCell(p, it.Item, it.Combined).Counts)
			rows = append(rows, row)
		}
	}
	h.sendSheet(w, r, loc.T("results.title"), header, rows, res.Evaluation.Title+"-"+loc.T("results.title")+".xlsx")
}

// cellNumber is a tally for a workbook cell: the number, or empty when
// there is none.
func cellNumber(v float64) any {
	if math.IsNaN(v) {
		return ""
	}
	return math.Round(v*1e4) / 1e4
}
