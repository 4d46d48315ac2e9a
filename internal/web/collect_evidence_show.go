package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// collectEvidenceShow downloads an evidence file to whoever may read the
// value it supports, as an attachment of the type recognised on upload.
func (h *Handler) collectEvidenceShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	ev, data, err := h.collect.EvidenceFile(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, ev.ContentType, ev.Name, data)
}
