package api

import (
	"net/http"

	"kaohe/internal/auth"
)

// me answers the signed-in actor.
func (h *Handler) me(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	writeJSON(w, http.StatusOK, Me{ID: id(a.UserID), Login: a.Login, Name: a.Name, Lang: a.Lang, Grants: toGrants(a.Grants)})
}

// userList answers the users the actor may manage (the assessment office).
func (h *Handler) userList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := h.requireAny(a, auth.ActUserManage); err != nil {
		h.ServeError(w, r, err)
		return
	}
	users, err := h.auth.ListUsers(r.Context(), a)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := UserList{Users: make([]User, len(users))}
	for i, u := range users {
		out.Users[i] = toUser(u)
	}
	writeJSON(w, http.StatusOK, out)
}

// requireAny returns nil when the policy lets a do action somewhere, and
// otherwise the policy's answer for the actor's first granted unit.
func (h *Handler) requireAny(a *auth.Actor, action auth.Action) error {
	pol := h.auth.Policy()
	if !pol.Scope(a, action).Empty() {
		return nil
	}
	for _, g := range a.Grants {
		if err := pol.Authorize(a, action, g.UnitPath); err != nil {
			return err
		}
	}
	return errNotFound()
}
