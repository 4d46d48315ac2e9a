package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/track"
)

// ledgerEvidenceSave attaches evidence files to a ledger entry.
func (h *Handler) ledgerEvidenceSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, track.MaxFiles*(collect.MaxEvidence+1<<16)+1<<20)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") || r.ParseMultipartForm(8<<20) != nil {
		h.fail(w, r, errBadForm())
		return
	}
	ups, err := uploads(r, "files")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	files := make([]track.Upload, len(ups))
	for i, u := range ups {
		files[i] = track.Upload{Name: u.Name, Data: u.Data}
	}
	if _, err := h.track.AttachToEntry(r.Context(), a, id, files); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderLedger(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/ledger?flash=ledger_evidence_saved#entry-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// ledgerEvidenceShow sends an evidence file of a ledger entry.
func (h *Handler) ledgerEvidenceShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	f, data, err := h.track.EntryEvidence(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if strconv.FormatInt(f.EntryID, 10) != r.PathValue("id") {
		h.fail(w, r, notFound())
		return
	}
	writeAttachment(w, f.ContentType, f.Name, data)
}
