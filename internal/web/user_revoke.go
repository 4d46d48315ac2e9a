package web

import (
	"kaohe/internal/errs"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
)

// userRevoke takes a role in a unit from a user.
func (h *Handler) userRevoke(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	err = h.auth.Revoke(r.Context(), a, id, auth.Grant{Role: auth.Role(r.PostFormValue("role")), UnitID: unitID})
	if err != nil {
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{})
		return
	}
	http.Redirect(w, r, "/users?flash=revoked", http.StatusSeeOther)
}
