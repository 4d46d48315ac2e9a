package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/fieldwork"
)

// fieldInterviewSave records an interview from the form; a refused form
// is shown again with every problem and writes nothing.
func (h *Handler) fieldInterviewSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := interviewForm{Person: r.PostFormValue("person"), HeldOn: strings.TrimSpace(r.PostFormValue("held_on")),
		Interviewer: r.PostFormValue("interviewer"), Notes: r.PostFormValue("notes")}
	person, _ := strconv.ParseInt(f.Person, 10, 64) // 0 is "choose the person"
	key := r.PathValue("entity")
	if _, err := h.field.Interview(r.Context(), a, id, key, fieldwork.NewInterview{PersonID: person, HeldOn: f.HeldOn,
		Interviewer: f.Interviewer, Notes: f.Notes}); err != nil {
		h.refuseField(w, r, a, err, &fieldForms{I: f, ErrorsOf: "interview"})
		return
	}
	http.Redirect(w, r, fieldPath(id, key)+"?flash=interview_saved#interviews", http.StatusSeeOther)
}
