package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
)

// resultFeedback downloads the feedback sheet of a unit (?unit=id): each
// of its assessed entities with total, rank, grade, strengths and weak
// points against the group.
func (h *Handler) resultFeedback(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	unit, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	fb, err := h.cycle.Feedback(r.Context(), a, id, unit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	names, err := h.groupNames(r.Context(), a, loc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	header := []string{loc.T("ranking.name"), loc.T("ranking.group"), loc.T("ranking.total"), loc.T("ranking.rank"),
		loc.T("ranking.grade"), loc.T("feedback.strengths"), loc.T("feedback.weaknesses")}
	list := func(ls []string) string { return strings.Join(ls, "；") }
	var rows [][]any
	for _, e := range fb.Entries {
		var st, wk []string
		for _, l := range e.Strengths {
			st = append(st, l.Name+" "+num(l.Score, 1))
		}
		for _, l := range e.Weakness {
			wk = append(wk, l.Name+" "+num(l.Score, 1)+" < "+num(l.GroupMedian, 1))
		}
		rows = append(rows, []any{e.Result.Entity.Name, names.Of(e.Result.Entity.Group), e.Result.Total,
			strconv.Itoa(e.Result.Rank) + "/" + strconv.Itoa(e.Result.GroupSize), e.Result.Grade, list(st), list(wk)})
	}
	h.sendSheet(w, r, loc.T("feedback.sheet"), header, rows, fb.Cycle.Name+"-反馈.xlsx")
}
