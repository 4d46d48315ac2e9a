package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// appealFileShow downloads the evidence of appeal id.
func (h *Handler) appealFileShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name, ctype, data, err := h.feedback.AppealFile(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, ctype, name, data)
}
