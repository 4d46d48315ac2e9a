package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// itemListData is the content of the data item list: the items the
// office manages, filtered by owner department and frequency.
type itemListData struct {
	Rows   []dataItemRow
	Owners []*collect.Owner
	// Owner and Frequency are the filter; 0 and "" for all. OwnerName
	// names the chosen owner.
	Owner       int64
	OwnerName   string
	Frequency   string
	Frequencies []option
}

// dataItemRow is a data item as the list shows it.
type dataItemRow struct {
	Code, Name, Measure, Owner, Frequency, Type, Range string
	Required                                           bool
}

// itemList lists the data items of the departments in the office's
// jurisdiction (?owner= and ?frequency= filter), with links to edit them.
func (h *Handler) itemList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	var f collect.ItemFilter
	if s := strings.TrimSpace(q.Get("owner")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(w, r, notFound())
			return
		}
		f.OwnerID = id
	}
	if s := strings.TrimSpace(q.Get("frequency")); s != "" && collect.Frequency(s).Valid() {
		f.Frequency = collect.Frequency(s)
	}
	items, err := h.collect.ManagedItems(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	owners, err := h.collect.ItemOwners(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ownerName string
	if f.OwnerID != 0 {
		u, err := h.org.Unit(r.Context(), a, f.OwnerID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ownerName = u.Name
	}
	p := h.newPage(r, "items")
	data := itemListData{OwnerName: ownerName, Owners: owners, Owner: f.OwnerID, Frequency: string(f.Frequency), Frequencies: frequencyOptions(p)}
	for _, it := range items {
		data.Rows = append(data.Rows, dataItemRow{Code: it.Code, Name: it.Name, Measure: it.Measure, Owner: it.OwnerName,
			Frequency: p.loc.T("items.frequency." + string(it.Frequency)), Type: p.loc.T("items.type." + string(it.Type)),
			Range: bound(it.Min) + " ~ " + bound(it.Max), Required: it.Required})
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "item_list", p)
}

// frequencyOptions lists the frequencies with their localized names.
func frequencyOptions(p *page) []option {
	var out []option
	for _, f := range collect.Frequencies {
		out = append(out, option{Value: string(f), Label: p.loc.T("items.frequency." + string(f))})
	}
	return out
}

// bound formats a bound of an item's range, "–" for none.
func bound(b *float64) string {
	if b == nil {
		return "–"
	}
	return strconv.FormatFloat(*b, 'f', -1, 64)
}
