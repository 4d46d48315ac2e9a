package web

import (
	"kaohe/internal/errs"
	"net/http"
	"strings"

	"kaohe/internal/auth"
)

// userSave adds a user with one role in one unit and a generated password,
// which the page shows once.
func (h *Handler) userSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	form := userForm{
		Login: strings.TrimSpace(r.PostFormValue("login")),
		Name:  strings.TrimSpace(r.PostFormValue("name")),
		Unit:  strings.TrimSpace(r.PostFormValue("unit")),
	}
	role := auth.Role(r.PostFormValue("role"))
	password := auth.GeneratePassword()
	u, err := h.unitByCode(r, a, form.Unit)
	if err == nil {
		_, err = h.auth.AddUser(r.Context(), a, auth.NewUser{
			Login: form.Login, Name: form.Name, Password: password,
			Grants: []auth.Grant{{Role: role, UnitID: u.ID}},
		})
	}
	if err != nil {
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{Form: form})
		return
	}
	h.renderUsers(w, r, a, http.StatusOK, "", userListData{Issued: &issued{Login: auth.NormalizeLogin(form.Login), Password: password}})
}
