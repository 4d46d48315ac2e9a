package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// evaluationClose closes an open evaluation; its results become visible.
func (h *Handler) evaluationClose(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.survey.Close(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+strconv.FormatInt(id, 10)+"/results?flash=evaluation_closed", http.StatusSeeOther)
}
