package web

import (
	"kaohe/internal/errs"
	"net/http"

	"kaohe/internal/auth"
)

// userReset gives a user a new generated password, shown once, and ends
// the user's sessions.
func (h *Handler) userReset(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
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
	password, err := h.auth.ResetPassword(r.Context(), a, id, "")
	if err != nil {
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{})
		return
	}
	h.renderUsers(w, r, a, http.StatusOK, "", userListData{Issued: &issued{Login: u.Login, Password: password}})
}
