package web

import (
	"kaohe/internal/errs"
	"net/http"

	"kaohe/internal/auth"
)

// userGrant gives a user a role in a unit named by its code.
func (h *Handler) userGrant(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.unitByCode(r, a, r.PostFormValue("unit"))
	if err == nil {
		err = h.auth.Grant(r.Context(), a, id, auth.Grant{Role: auth.Role(r.PostFormValue("role")), UnitID: u.ID})
	}
	if err != nil {
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{})
		return
	}
	http.Redirect(w, r, "/users?flash=granted", http.StatusSeeOther)
}
