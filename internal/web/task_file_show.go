package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// taskFileShow downloads the evidence of a progress report of task id.
func (h *Handler) taskFileShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := strconv.ParseInt(r.PathValue("update"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	name, ctype, data, err := h.feedback.Evidence(r.Context(), a, id, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, ctype, name, data)
}
