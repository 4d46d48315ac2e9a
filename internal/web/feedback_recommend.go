package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// feedbackRecommend saves the recommendations of draft report id, one a
// line.
func (h *Handler) feedbackRecommend(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	recs := strings.Split(strings.ReplaceAll(r.PostFormValue("recommendations"), "\r\n", "\n"), "\n")
	if _, err := h.feedback.SetRecommendations(r.Context(), a, id, recs); err != nil {
		h.refuseReport(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(id)+"?flash=feedback_saved", http.StatusSeeOther)
}

// reportPath is the page of report id.
func reportPath(id int64) string { return "/feedback/" + db.FormatID(id) }
