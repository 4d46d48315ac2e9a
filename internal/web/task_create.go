package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/feedback"
)

// taskCreate makes a rectification task of released report id.
func (h *Handler) taskCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := feedback.TaskForm{Problem: r.PostFormValue("problem"), Responsible: r.PostFormValue("responsible"),
		Deadline: r.PostFormValue("deadline"), Target: r.PostFormValue("target"), Steps: r.PostFormValue("steps")}
	if _, err := h.feedback.CreateTask(r.Context(), a, id, f); err != nil {
		h.refuseReport(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(id)+"?flash=task_created#tasks", http.StatusSeeOther)
}
