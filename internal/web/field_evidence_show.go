package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// fieldEvidenceShow downloads an evidence file of a verification to
// whoever may read the entity's field work.
func (h *Handler) fieldEvidenceShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.field.EvidenceFile(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
