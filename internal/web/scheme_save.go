package web

import (
	"kaohe/internal/errs"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
)

// schemeSave adds a scheme owned by a unit of the actor's jurisdiction.
func (h *Handler) schemeSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	form := schemeForm{
		Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Subject: r.PostFormValue("subject"), Owner: strings.TrimSpace(r.PostFormValue("owner")),
		Description: strings.TrimSpace(r.PostFormValue("description")), Categories: r.PostForm["category"],
	}
	u, err := h.unitByCode(r, a, form.Owner)
	var s *scheme.Scheme
	if err == nil {
		s, err = h.scheme.CreateScheme(r.Context(), a, scheme.Scheme{Code: form.Code, Name: form.Name,
			Subject: scheme.Subject(form.Subject), OwnerUnitID: u.ID, Description: form.Description, Categories: form.Categories})
	}
	if err != nil {
		h.renderSchemes(w, r, a, errs.HTTPStatus(err), err, form)
		return
	}
	http.Redirect(w, r, "/schemes/"+strconv.FormatInt(s.ID, 10)+"?flash=scheme_created", http.StatusSeeOther)
}
