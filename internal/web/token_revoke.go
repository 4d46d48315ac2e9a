package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// tokenRevoke deletes one of the actor's API tokens; another user's token
// answers not found.
func (h *Handler) tokenRevoke(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if err := h.auth.RevokeAPIToken(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/tokens?flash=token_revoked", http.StatusSeeOther)
}
