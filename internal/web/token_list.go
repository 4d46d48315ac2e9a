package web

import (
	"net/http"
	"time"

	"kaohe/internal/auth"
)

// tokenListData is the content of the API token page: the actor's tokens,
// and a token just created, shown this once.
type tokenListData struct {
	Tokens []auth.APIToken
	// Created and Secret are the token just made; Secret is never shown
	// again.
	Created *auth.APIToken
	Secret  string
	// Name and TTL are the form as typed; Errors its errors by field.
	Name, TTL string
	TTLs      []option
	Errors    map[string]string
	General   []string

	// Share is the sharing token form, ShareScopes the units it may be
	// issued for (none: the form is not shown).
	Share       shareForm
	ShareScopes []option
	// ItemNames name the data items the sharing tokens list, by code.
	ItemNames map[string]string
}

// shareForm is the sharing token form as typed.
type shareForm struct {
	Name, System, Unit, TTL, Items string
	Results                        bool
}

// tokenTTLs are the lifetimes a token may be given on the page; the
// command line takes any.
var tokenTTLs = []struct {
	value string
	days  int
}{{"168h", 7}, {"720h", 30}, {"2160h", 90}, {"8760h", 365}}

// defaultTokenTTL is the lifetime chosen unless the user picks another.
const defaultTokenTTL = "720h"

// tokenTTL returns the lifetime of a value of the form's select.
func tokenTTL(v string) (time.Duration, bool) {
	for _, t := range tokenTTLs {
		if t.value == v {
			return time.Duration(t.days) * 24 * time.Hour, true
		}
	}
	return 0, false
}

// tokenList shows the actor's API tokens with forms to create and revoke.
func (h *Handler) tokenList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderTokens(w, r, a, http.StatusOK, &tokenListData{TTL: defaultTokenTTL, Share: shareForm{TTL: defaultTokenTTL, Results: true}})
}

// renderTokens renders the token page with data and the actor's tokens.
func (h *Handler) renderTokens(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, data *tokenListData) {
	tokens, err := h.auth.APITokens(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "tokens")
	data.Tokens = tokens
	for _, t := range tokenTTLs {
		data.TTLs = append(data.TTLs, option{Value: t.value, Label: p.loc.T("tokens.days", "Days", t.days)})
	}
	data.ShareScopes = h.shareScopes(a)
	if data.ItemNames, err = h.shareItemNames(r, a, tokens); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Data = data
	h.render(w, r, status, "token_list", p)
}
