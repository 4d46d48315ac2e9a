package web

import (
	"net/http"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/locale"
	"kaohe/internal/scheme"
)

// catalogueData is the data catalogue (数据目录, R9.1): every data item
// with its single source, its definition, where it is used, who reads it
// and when it was last updated.
type catalogueData struct {
	Query   string
	Entries []catalogueEntry
	// Readers says who reads an item's values, the same for every item.
	Readers string
}

type catalogueEntry struct {
	Code, Name, Owner, Description, Measure, Frequency string
	// Uses are "scheme · indicator" of the active versions.
	Uses []string
	// Overlaps name the items carrying the same data; Shared marks an item
	// several schemes or indicators use. Both link to the streamlining
	// report.
	Overlaps   []string
	Shared     bool
	LastUpdate string
	Entities   int
	// Editable links the item to its page, for who may manage it.
	Editable bool
}

// catalogueShow lists the data catalogue, searched by ?q=.
func (h *Handler) catalogueShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	entries, err := h.collect.Catalogue(r.Context(), a, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uses, err := h.scheme.ItemUses(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.scheme.Streamline(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	all := entries
	if q != "" {
		if all, err = h.collect.Catalogue(r.Context(), a, ""); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	names := map[string]string{}
	for _, e := range all {
		names[e.Item.Code] = e.Item.Name
	}
	p := h.newPage(r, "catalogue")
	data := catalogueData{Query: q, Readers: catalogueReaders(p.loc)}
	for _, e := range entries {
		ce := catalogueEntry{Code: e.Item.Code, Name: e.Item.Name, Owner: e.Item.OwnerName, Description: e.Item.Description,
			Measure: e.Item.Measure, Editable: e.Editable, Frequency: p.loc.T("items.frequency." + string(e.Item.Frequency)), Entities: e.Entities}
		if !e.LastUpdate.IsZero() {
			ce.LastUpdate = p.loc.DateTime(e.LastUpdate)
		}
		for _, u := range uses[e.Item.Code] {
			ce.Uses = append(ce.Uses, u.SchemeName+" · "+u.IndicatorName)
		}
		for _, other := range overlapsOf(rep, e.Item.Code) {
			ce.Overlaps = append(ce.Overlaps, names[other])
		}
		ce.Shared = slices.ContainsFunc(rep.Shared, func(s scheme.SharedItem) bool { return s.Code == e.Item.Code })
		data.Entries = append(data.Entries, ce)
	}
	p.Title = p.loc.T("catalogue.title")
	p.Data = data
	h.render(w, r, http.StatusOK, "catalogue_show", p)
}

// overlapsOf lists the items the streamlining report finds carrying the
// same data as code.
func overlapsOf(rep *scheme.Report, code string) []string {
	var out []string
	for _, d := range rep.Duplicates {
		switch code {
		case d.A:
			out = append(out, d.B)
		case d.B:
			out = append(out, d.A)
		}
	}
	return out
}

// catalogueReaders says, from the policy matrix, which roles read a data
// item's values and how far.
func catalogueReaders(loc *locale.Localizer) string {
	var parts []string
	for _, role := range auth.Roles {
		switch auth.ReachOf(role, auth.ActValueRead) {
		case auth.Subtree:
			parts = append(parts, loc.T("role."+string(role))+loc.T("catalogue.reach_subtree"))
		case auth.Unit:
			parts = append(parts, loc.T("role."+string(role))+loc.T("catalogue.reach_unit"))
		}
	}
	return strings.Join(parts, "、") + loc.T("catalogue.readers_share")
}
