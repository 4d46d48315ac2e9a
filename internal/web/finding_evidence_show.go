package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// findingEvidenceShow downloads an evidence file of a finding to whoever
// may read the finding.
func (h *Handler) findingEvidenceShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	finding, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err1 != nil || err2 != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.finding.EvidenceFile(r.Context(), a, id)
	if err == nil && f.FindingID != finding {
		err = notFound() // a file of another finding
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
