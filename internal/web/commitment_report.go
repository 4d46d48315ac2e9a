package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/track"
)

// commitmentReport files the mid-year progress (stage midyear) or the
// year-end proof (stage yearend) of a commitment with its evidence files.
func (h *Handler) commitmentReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, track.MaxFiles*(collect.MaxEvidence+1<<16)+1<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
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
	body, value := r.PostFormValue("body"), r.PostFormValue("value")
	if r.PostFormValue("stage") == string(track.ReportYearEnd) {
		_, err = h.track.Prove(r.Context(), a, id, body, value, files)
	} else {
		_, err = h.track.Progress(r.Context(), a, id, body, value, files)
	}
	if err != nil {
		h.refuseCommitment(w, r, a, err, "report", nil)
		return
	}
	http.Redirect(w, r, commitmentPath(id)+"?flash=commitment_reported#reports", http.StatusSeeOther)
}
