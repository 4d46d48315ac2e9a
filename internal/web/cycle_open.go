package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// cycleOpen answers the top bar's cycle selector: it redirects to the
// chosen cycle's page, which checks the actor's right to see it.
func (h *Handler) cycleOpen(w http.ResponseWriter, r *http.Request, _ *auth.Actor) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Redirect(w, r, "/cycles", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
