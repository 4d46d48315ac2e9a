package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// taskVerify records the office's verification of task id: verdict
// "done" (整改到位) or "failed" (未到位, with a reason).
func (h *Handler) taskVerify(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	t, err := h.feedback.Verify(r.Context(), a, id, r.PostFormValue("verdict") == "done", r.PostFormValue("reason"))
	if err != nil {
		h.refuseTask(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(t.ReportID)+"?flash=task_verified#task-"+db.FormatID(id), http.StatusSeeOther)
}
