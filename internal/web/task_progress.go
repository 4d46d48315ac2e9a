package web

import (
	"io"
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
)

// taskProgress records a progress report of task id with an optional
// evidence file; "done" reports it completed.
func (h *Handler) taskProgress(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, collect.MaxEvidence+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	name, data, err := upload(r, "file")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.feedback.Progress(r.Context(), a, id, r.PostFormValue("note"), r.PostFormValue("done") != "", name, data)
	if err != nil {
		h.refuseTask(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(t.ReportID)+"?flash=task_progress#task-"+db.FormatID(id), http.StatusSeeOther)
}

// refuseTask shows the report of task id with why err refused the form.
func (h *Handler) refuseTask(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, err error) {
	t, terr := h.feedback.Task(r.Context(), a, id)
	if terr != nil {
		h.fail(w, r, err)
		return
	}
	h.refuseReport(w, r, a, t.ReportID, err)
}

// upload reads the one file of a multipart field: its name and content,
// "" and nil when none was chosen.
func upload(r *http.Request, field string) (string, []byte, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return "", nil, nil
	}
	fh := r.MultipartForm.File[field][0]
	if fh.Filename == "" && fh.Size == 0 {
		return "", nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, errBadForm()
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, collect.MaxEvidence+1))
	if err != nil {
		return "", nil, errBadForm()
	}
	return fh.Filename, data, nil
}
