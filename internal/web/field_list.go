package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/fieldwork"
)

// fieldListData is the content of the field work page: the cycles open for
// field work with their progress.
type fieldListData struct {
	Cycles []fieldwork.CycleProgress
	// Interviews shows the interview counts, for readers of interviews.
	Interviews bool
}

// fieldList lists the cycles the assessment team works on: each with its
// entities not started, verified and interviewed, every count linked to
// the task list behind it.
func (h *Handler) fieldList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := h.policy.RequireAny(a, auth.ActFieldRead); err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := h.field.Overview(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "field")
	p.Data = fieldListData{Cycles: cs, Interviews: !h.policy.Scope(a, auth.ActInterviewRead).Empty()}
	h.render(w, r, http.StatusOK, "field_list", p)
}
