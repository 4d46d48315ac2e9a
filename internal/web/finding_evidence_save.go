package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/finding"
)

// findingEvidenceSave attaches the uploaded files to finding id.
func (h *Handler) findingEvidenceSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, finding.MaxFiles*(collect.MaxEvidence+1<<16)+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	files, err := uploads(r, "files")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.finding.AttachEvidence(r.Context(), a, id, files, r.PostFormValue("reason")); err != nil {
		h.refuseFinding(w, r, a, err, &findingRefusal{of: "evidence"})
		return
	}
	http.Redirect(w, r, findingPath(id)+"?flash=finding_evidence_saved#evidence", http.StatusSeeOther)
}
