package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// feedbackReceive records the owner's receipt (签收) of report id.
func (h *Handler) feedbackReceive(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.feedback.Receive(r.Context(), a, id); err != nil {
		h.refuseReport(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(id)+"?flash=feedback_received#receipt", http.StatusSeeOther)
}
