package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
)

// indicatorListData is the content of the indicator library page.
type indicatorListData struct {
	Indicators []indicatorRow
	CanWrite   bool
	Kinds      []option
	Directions []option
	Form       scheme.Indicator
	Errors     []string
}

type indicatorRow struct {
	Code, Name, Unit, Kind, Direction, Source, Description string
	Key, Leading                                           bool
}

// indicatorList shows the indicator library and, for the assessment
// office, a form to add or redefine an indicator.
func (h *Handler) indicatorList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	form := scheme.Indicator{Kind: "quantitative", Direction: "higher"}
	if code := r.URL.Query().Get("code"); code != "" {
		if ind, err := h.scheme.Indicator(r.Context(), a, code); err == nil {
			form = *ind
		}
	}
	h.renderIndicators(w, r, a, http.StatusOK, nil, form)
}

func (h *Handler) renderIndicators(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, fail error, form scheme.Indicator) {
	if err := h.policy.RequireAny(a, auth.ActSchemeRead); err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.scheme.Indicators(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "indicators")
	data := indicatorListData{CanWrite: !h.policy.Scope(a, auth.ActSchemeWrite).Empty(), Form: form, Errors: h.errorLines(p, fail)}
	for _, ind := range list {
		src := ind.DataItem
		if ind.Formula != "" {
			src = ind.Formula
		}
		data.Indicators = append(data.Indicators, indicatorRow{Code: ind.Code, Name: ind.Name, Unit: ind.Unit,
			Kind: p.loc.T("scheme.kind." + string(ind.Kind)), Direction: p.loc.T("scheme.direction." + string(ind.Direction)),
			Source: src, Description: ind.Description, Key: ind.Key, Leading: ind.Leading})
	}
	for _, k := range scheme.Kinds {
		data.Kinds = append(data.Kinds, option{Value: string(k), Label: p.loc.T("scheme.kind." + string(k))})
	}
	for _, d := range []string{"higher", "lower"} {
		data.Directions = append(data.Directions, option{Value: d, Label: p.loc.T("scheme.direction." + d)})
	}
	p.Data = data
	h.render(w, r, status, "indicator_list", p)
}
