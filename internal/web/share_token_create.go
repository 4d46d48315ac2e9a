package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
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
		items := strings.FieldsFunc(data.Share.Items, func(c rune) bool {
			return c == ',' || c == '，' || c == ' ' || c == '、' || c == '\n'
		})
		if err = h.knownItems(r, a, items); err != nil {
			break
		}
		var t auth.APIToken
		t, data.Secret, err = h.auth.CreateShareToken(r.Context(), a, data.Share.Name, ttl, auth.Share{System: data.Share.System,
			UnitID: unit, Results: data.Share.Results, Items: items})
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

// shareItemNames names the data items of the sharing tokens among ts; nil
// when there are none.
func (h *Handler) shareItemNames(r *http.Request, a *auth.Actor, ts []auth.APIToken) (map[string]string, error) {
	if !slices.ContainsFunc(ts, func(t auth.APIToken) bool { return t.Share != nil && len(t.Share.Items) > 0 }) {
		return nil, nil
	}
	entries, err := h.collect.Catalogue(r.Context(), a, "")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		out[e.Item.Code] = e.Item.Name
	}
	return out, nil
}

// knownItems refuses, naming the field, codes that are no data item of the
// catalogue.
func (h *Handler) knownItems(r *http.Request, a *auth.Actor, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	entries, err := h.collect.Catalogue(r.Context(), a, "")
	if err != nil {
		return err
	}
	for _, c := range codes {
		if !slices.ContainsFunc(entries, func(e *collect.CatalogueEntry) bool { return e.Item.Code == c }) {
			e := errs.Field("items", "tokens.share_item_unknown", "no such data item")
			e.Args = map[string]any{"code": c}
			return e
		}
	}
	return nil
}
