package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/session"
)

// passwordForm shows the password change form.
func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.render(w, r, http.StatusOK, "password_change", h.newPage(r, "password"))
}

// passwordChange sets the actor's new password. It ends every session of
// the user, this one included, so the user signs in again.
func (h *Handler) passwordChange(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	var err error
	if next != confirm {
		err = errs.New(errs.Invalid, "auth.password.mismatch", "the new passwords differ")
	} else {
		err = h.auth.ChangePassword(r.Context(), a, current, next)
	}
	if err != nil {
		p := h.newPage(r, "password")
		p.Error = p.loc.Error(err)
		h.render(w, r, errs.HTTPStatus(err), "password_change", p)
		return
	}
	session.ClearCookie(w, r)
	http.Redirect(w, r, "/signin?flash=password_changed", http.StatusSeeOther)
}
