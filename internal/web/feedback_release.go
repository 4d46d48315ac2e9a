package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// feedbackRelease releases draft report id to its owner.
func (h *Handler) feedbackRelease(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.feedback.Release(r.Context(), a, id); err != nil {
		h.refuseReport(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(id)+"?flash=feedback_released", http.StatusSeeOther)
}
