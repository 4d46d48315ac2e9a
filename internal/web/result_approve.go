package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// resultApprove approves a cycle's latest snapshot.
func (h *Handler) resultApprove(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	snap, err := strconv.ParseInt(r.PostFormValue("snapshot"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if _, err := h.cycle.Approve(r.Context(), a, id, snap, r.PostFormValue("reason")); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(id, 10)+"?flash=cycle_approved", http.StatusSeeOther)
}
