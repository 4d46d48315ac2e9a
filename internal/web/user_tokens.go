package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// userTokensData is the content of a user's API token page.
type userTokensData struct {
	User   *auth.User
	Tokens []auth.APIToken
}

// userTokens lists the API tokens of a user the actor manages, each with
// a form to revoke it.
func (h *Handler) userTokens(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.auth.User(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tokens, err := h.auth.UserAPITokens(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "users")
	p.Data = userTokensData{User: u, Tokens: tokens}
	h.render(w, r, http.StatusOK, "user_tokens", p)
}

// userTokenRevoke revokes one API token of a user the actor manages.
func (h *Handler) userTokenRevoke(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tokenID, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if _, err := h.auth.User(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.auth.RevokeAPIToken(r.Context(), a, tokenID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10)+"/tokens?flash=token_revoked", http.StatusSeeOther)
}
