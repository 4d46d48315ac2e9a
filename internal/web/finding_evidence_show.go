package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// findingEvidenceShow downloads an evidence file of a finding to whoever
// may read the finding.
func (h *Handler) findingEvidenceShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.finding.EvidenceFile(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
