package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// cycleRun scores a cycle: a new immutable snapshot.
func (h *Handler) cycleRun(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cycle.Run(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(id, 10)+"?flash=cycle_scored", http.StatusSeeOther)
}
