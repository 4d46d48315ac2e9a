package web

import (
	"net/http"

	"kaohe/internal/errs"
	"kaohe/internal/locale"
	"kaohe/internal/session"
)

// languageSave switches the interface language: remembered per user when
// signed in, and in a cookie for the sign-in page.
func (h *Handler) languageSave(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if !locale.Supported(lang) {
		h.fail(w, r, errs.New(errs.Invalid, "auth.lang.unknown", "unknown language"))
		return
	}
	if a := session.Actor(r.Context()); a != nil {
		if err := h.auth.SetLanguage(r.Context(), a, lang); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	session.SetLangCookie(w, r, lang)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}
