package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
)

// schemeDiffData is the content of the comparison of two versions.
type schemeDiffData struct {
	Scheme   *scheme.Scheme
	From, To int
	Numbers  []int
	Diff     *scheme.Diff
	Weights  []weightChangeRow
	Methods  []scheme.Change
}

type weightChangeRow struct {
	Code, Name, Category string
	Old, New             string
	OldEff, NewEff       string
}

// schemeDiff compares two versions of a scheme (?from=1&to=2): indicators
// added, removed and renamed, weights per category with effective weights,
// and changed methods.
func (h *Handler) schemeDiff(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := schemeID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	s, err := h.scheme.Scheme(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.scheme.Versions(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "schemes")
	p.Title = s.Name + " · " + p.loc.T("scheme.diff")
	p.Crumbs = []crumb{{Name: p.loc.T("schemes.title"), URL: "/schemes"}, {Name: s.Name, URL: "/schemes/" + strconv.FormatInt(s.ID, 10)}}
	data := schemeDiffData{Scheme: s}
	byNumber := map[int]*scheme.Version{}
	for _, v := range vs {
		byNumber[v.Number] = v
		data.Numbers = append(data.Numbers, v.Number)
	}
	data.From, _ = strconv.Atoi(r.URL.Query().Get("from"))
	data.To, _ = strconv.Atoi(r.URL.Query().Get("to"))
	if data.From == 0 && data.To == 0 && len(vs) >= 2 {
		data.From, data.To = vs[1].Number, vs[0].Number
	}
	from, okF := byNumber[data.From]
	to, okT := byNumber[data.To]
	if (data.From != 0 || data.To != 0) && (!okF || !okT) {
		h.fail(w, r, notFound())
		return
	}
	if okF && okT {
		d, err := h.scheme.Compare(ctx, a, from.ID, to.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Diff, data.Methods = d, d.Methods
		names, err := h.categoryCodes(ctx, a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, wc := range d.Weights {
			cat := names[wc.Category]
			if wc.Category == scheme.DefaultCategory {
				cat = p.loc.T("scheme.default_weights")
			} else if cat == "" {
				cat = wc.Category
			}
			data.Weights = append(data.Weights, weightChangeRow{Code: wc.Code, Name: wc.Name, Category: cat,
				Old: strconv.FormatFloat(wc.Old, 'f', -1, 64), New: strconv.FormatFloat(wc.New, 'f', -1, 64),
				OldEff: scheme.Percent(wc.OldEffective), NewEff: scheme.Percent(wc.NewEffective)})
		}
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "scheme_diff", p)
}
