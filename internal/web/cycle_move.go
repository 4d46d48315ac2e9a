package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
)

// cycleMove moves a cycle to its next stage.
func (h *Handler) cycleMove(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cycle.Move(r.Context(), a, id, cycle.Stage(r.PostFormValue("to")), r.PostFormValue("reason")); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(id, 10)+"?flash=cycle_moved", http.StatusSeeOther)
}
