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
	if err := h.auth.Policy().RequireAny(a, auth.ActUserManage); err != nil {
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
