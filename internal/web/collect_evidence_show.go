package web

import (
	"net/http"
	"net/url"
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
	w.Header().Set("Content-Type", ev.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\"evidence\"; filename*=UTF-8''"+url.PathEscape(ev.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
