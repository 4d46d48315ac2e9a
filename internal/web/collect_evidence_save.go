package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectEvidenceSave attaches an uploaded file (pdf, jpeg, png, xlsx or
// docx, at most 10 MiB) to the current value of an item for an entity and
// goes back to the collection page.
func (h *Handler) collectEvidenceSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	r.Body = http.MaxBytesReader(w, r.Body, collect.MaxEvidence+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	entity, err := strconv.ParseInt(r.PostFormValue("entity"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, collect.MaxEvidence+1))
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	owner, period := r.PostFormValue("owner"), r.PostFormValue("period")
	if _, err := h.collect.AttachEvidence(r.Context(), a, entity, r.PostFormValue("item"), period, hdr.Filename, data); err != nil {
		h.fail(w, r, err)
		return
	}
	q := url.Values{"owner": {owner}, "period": {period}, "flash": {"evidence_saved"}}
	http.Redirect(w, r, "/collect?"+q.Encode(), http.StatusSeeOther)
}
