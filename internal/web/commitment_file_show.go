package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// commitmentFileShow sends an evidence file of a commitment's report.
func (h *Handler) commitmentFileShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.track.EvidenceFile(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if strconv.FormatInt(f.CommitmentID, 10) != r.PathValue("id") {
		h.fail(w, r, notFound())
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
