package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// shareScopes are the units an office may issue sharing tokens for: those
// of its grants that reach user management.
func (h *Handler) shareScopes(a *auth.Actor) []option {
	var out []option
	for _, g := range a.Grants {
		if auth.ReachOf(g.Role, auth.ActUserManage) == auth.Subtree {
			out = append(out, option{Value: strconv.FormatInt(g.UnitID, 10), Label: g.UnitName})
		}
	}
	return out
}

// shareTokenCreate issues a sharing token for a consuming system and shows
// it this once, like any token (decision 0181).
func (h *Handler) shareTokenCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	data := &tokenListData{TTL: defaultTokenTTL, Share: shareForm{Name: strings.TrimSpace(r.PostFormValue("name")),
		System: strings.TrimSpace(r.PostFormValue("system")), Unit: r.PostFormValue("unit"), TTL: r.PostFormValue("ttl"),
		Results: r.PostFormValue("results") != "", Items: strings.TrimSpace(r.PostFormValue("items"))}}
	ttl, ok := tokenTTL(data.Share.TTL)
	unit, uerr := strconv.ParseInt(data.Share.Unit, 10, 64)
	var err error
	switch {
	case !ok:
		err = errs.Field("share_ttl", "tokens.ttl_invalid", "choose how long the token lasts")
	case uerr != nil:
		err = errs.Field("unit", "auth.share.unit_unknown", "choose the scope")
	default:
		var t auth.APIToken
		t, data.Secret, err = h.auth.CreateShareToken(r.Context(), a, data.Share.Name, ttl, auth.Share{System: data.Share.System,
			UnitID: unit, Results: data.Share.Results, Items: strings.FieldsFunc(data.Share.Items, func(c rune) bool {
				return c == ',' || c == '，' || c == ' ' || c == '、' || c == '\n'
			})})
		if err == nil {
			data.Created, data.Share = &t, shareForm{TTL: defaultTokenTTL, Results: true}
			h.renderTokens(w, r, a, http.StatusOK, data)
			return
		}
	}
	if !errs.Is(err, errs.Invalid) {
		h.fail(w, r, err)
		return
	}
	data.Errors, data.General = h.fieldErrors(h.newPage(r, "tokens"), err, "name", "system", "unit", "items", "share_ttl")
	h.renderTokens(w, r, a, errs.HTTPStatus(err), data)
}
