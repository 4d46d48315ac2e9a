package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// evaluationOpen opens a draft evaluation for ballots.
func (h *Handler) evaluationOpen(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.survey.Open(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+strconv.FormatInt(id, 10)+"?flash=evaluation_opened", http.StatusSeeOther)
}
