package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// exemptionFileShow sends the evidence of a checklist answer to whoever
// reads its finding.
func (h *Handler) exemptionFileShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	findingID, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.finding.ExemptionFile(r.Context(), a, id)
	if err == nil && f.FindingID != findingID {
		err = notFound()
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
