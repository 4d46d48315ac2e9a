package api

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
)

// AccountChange is the body of disabling or enabling an account.
type AccountChange struct {
	// Reason is why; required, at most auth.MaxReasonLen characters.
	Reason string `json:"reason"`
}

// APIToken describes an API token; the token itself is never shown again.
type APIToken struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	// ExpiresAt and LastUsedAt are "" for never.
	ExpiresAt  string `json:"expires_at"`
	LastUsedAt string `json:"last_used_at"`
}

// APITokenList lists API tokens.
type APITokenList struct {
	Tokens []APIToken `json:"tokens"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// userDisable stops an account at once: its sessions end and its API
// tokens are revoked. It answers the account.
func (h *Handler) userDisable(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.userSetDisabled(w, r, a, true)
}

// userEnable lets a disabled account sign in again. It answers the account.
func (h *Handler) userEnable(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.userSetDisabled(w, r, a, false)
}

func (h *Handler) userSetDisabled(w http.ResponseWriter, r *http.Request, a *auth.Actor, disable bool) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in AccountChange
	if !h.decodeBody(w, r, &in, 64<<10, `{"reason": "…"}`) {
		return
	}
	if disable {
		err = h.auth.DisableUser(r.Context(), a, id, in.Reason)
	} else {
		err = h.auth.EnableUser(r.Context(), a, id, in.Reason)
	}
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	u, err := h.auth.User(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUser(*u))
}

// userTokens lists the API tokens of an account the actor manages.
func (h *Handler) userTokens(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	ts, err := h.auth.UserAPITokens(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := APITokenList{Tokens: make([]APIToken, len(ts))}
	for i, t := range ts {
		out.Tokens[i] = APIToken{ID: strconv.FormatInt(t.ID, 10), Name: t.Name, CreatedAt: stamp(t.CreatedAt),
			ExpiresAt: stamp(t.ExpiresAt), LastUsedAt: stamp(t.LastUsedAt)}
	}
	writeJSON(w, http.StatusOK, out)
}

// userTokenRevoke revokes one API token of an account the actor manages;
// it answers 204.
func (h *Handler) userTokenRevoke(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	tokenID, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		h.ServeError(w, r, errNotFound())
		return
	}
	ts, err := h.auth.UserAPITokens(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	found := false
	for _, t := range ts {
		found = found || t.ID == tokenID
	}
	if !found {
		h.ServeError(w, r, errNotFound())
		return
	}
	if err := h.auth.RevokeAPIToken(r.Context(), a, tokenID); err != nil {
		h.ServeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
