package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// tokenCreate makes an API token for the actor and shows it this once, on
// the page itself: it is never put in a URL, never stored in clear and
// never shown again.
func (h *Handler) tokenCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	data := &tokenListData{Name: strings.TrimSpace(r.PostFormValue("name")), TTL: r.PostFormValue("ttl")}
	ttl, ok := tokenTTL(data.TTL)
	var err error
	if !ok {
		err = errs.Field("ttl", "tokens.ttl_invalid", "choose how long the token lasts")
	} else {
		var t auth.APIToken
		t, data.Secret, err = h.auth.CreateAPIToken(r.Context(), a, data.Name, ttl)
		if err == nil {
			data.Created, data.Name, data.TTL = &t, "", defaultTokenTTL
			h.renderTokens(w, r, a, http.StatusOK, data)
			return
		}
	}
	if !errs.Is(err, errs.Invalid) {
		h.fail(w, r, err)
		return
	}
	data.Errors, data.General = h.fieldErrors(h.newPage(r, "tokens"), err, "name", "ttl")
	h.renderTokens(w, r, a, errs.HTTPStatus(err), data)
}
