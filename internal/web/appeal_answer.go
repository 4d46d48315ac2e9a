package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
)

// appealAnswer records the office's decision on appeal id: decision
// "uphold" (维持) or "correct" (更正, with the corrected value of a value
// appeal), and shows the report again.
func (h *Handler) appealAnswer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	report, err := strconv.ParseInt(r.PostFormValue("report"), 10, 64)
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	x, _, err := h.feedback.AnswerAppeal(r.Context(), a, id, feedback.Answer{Correct: r.PostFormValue("decision") == "correct",
		Text: r.PostFormValue("answer"), Value: r.PostFormValue("value")})
	if err != nil {
		h.refuseReport(w, r, a, report, err)
		return
	}
	http.Redirect(w, r, reportPath(x.ReportID)+"?flash=appeal_answered#appeal-"+db.FormatID(id), http.StatusSeeOther)
}
