package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// feedbackExport downloads report id as a workbook: the result, the
// radar, every achievement, problem and recommendation, and the tasks.
func (h *Handler) feedbackExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.feedback.Report(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	d := h.feedbackView(r.Context(), loc, a, rep)
	c := &rep.Content
	rows := [][]any{
		{loc.T("feedback.doc_no"), rep.DocNo},
		{loc.T("ranking.name"), rep.Name},
		{loc.T("cycle.name"), c.CycleName},
		{loc.T("ranking.grade"), c.Grade},
		{loc.T("ranking.total"), c.Total},
		{loc.T("ranking.rank"), strconv.Itoa(c.Rank) + " / " + strconv.Itoa(c.GroupSize)},
	}
	for _, ax := range d.Axes {
		rows = append(rows, []any{loc.T("feedback.radar"), ax.Name, ax.Score, ax.Median})
	}
	for _, s := range d.Achievements {
		rows = append(rows, []any{loc.T("feedback.section_achievements"), s})
	}
	for _, s := range d.Problems {
		rows = append(rows, []any{loc.T("feedback.section_problems"), s})
	}
	for _, s := range d.Recs {
		rows = append(rows, []any{loc.T("feedback.section_recommendations"), s})
	}
	for _, t := range d.Tasks {
		rows = append(rows, []any{loc.T("feedback.tasks"), t.T.Problem, t.T.Responsible, t.T.Deadline, t.T.Target, t.Status})
	}
	h.sendSheet(w, r, loc.T("feedback.title"), []string{loc.T("feedback.xlsx_item"), loc.T("feedback.xlsx_content")}, rows,
		rep.Name+"-"+rep.DocNo+".xlsx")
}
