package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// schemeDiffData is the content of the comparison of two versions.
type schemeDiffData struct {
	Scheme   *scheme.Scheme
	From, To int
	Numbers  []int
	Diff     *scheme.Diff
	Weights  []weightChangeRow
	Methods  []scheme.Change
	Rules    []ruleChangeRow
}

// ruleChangeRow is a finding rule added, removed or changed, in words:
// 党风廉政·严重: 发现问题扣分 3 分 → 5 分.
type ruleChangeRow struct {
	Change, Finding, Old, New string
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
		data.Diff, data.Methods, data.Rules = d, d.Methods, ruleChanges(p, d)
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

// ruleChanges says each changed finding rule of d in words.
func ruleChanges(p *page, d *scheme.Diff) []ruleChangeRow {
	says := func(ref *scheme.RuleRef) string {
		switch {
		case ref == nil:
			return p.loc.T("scheme.diff_rule_none")
		case ref.Kind == score.KindVeto:
			return ref.Name + " · " + p.loc.T("scheme.rule_veto")
		}
		return ref.Name + " · " + p.loc.T("scheme.rule_points_text", "points", pointsText(ref.Points))
	}
	var out []ruleChangeRow
	for _, rc := range d.Rules {
		change := "scheme.diff_rule_changed"
		switch {
		case rc.Old == nil:
			change = "scheme.diff_rule_added"
		case rc.New == nil:
			change = "scheme.diff_rule_removed"
		}
		out = append(out, ruleChangeRow{Change: p.loc.T(change), Finding: p.loc.FindingKind(rc.Category, rc.Severity),
			Old: says(rc.Old), New: says(rc.New)})
	}
	return out
}
