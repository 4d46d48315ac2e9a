package web

import (
	"math"
	"net/http"

	"kaohe/internal/auth"
)

// analysisExport downloads the ranked table of the analysis as a
// workbook: per indicator and cycle the distribution and the share weak.
func (h *Handler) analysisExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f, err := analysisFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.analysis.Report(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	names, err := h.groupNames(r.Context(), a, loc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	header := []string{loc.T("analysis.rank"), loc.T("analysis.code"), loc.T("analysis.indicator"), loc.T("analysis.cycle"),
		loc.T("analysis.units"), loc.T("analysis.min"), loc.T("analysis.q1"), loc.T("analysis.median"), loc.T("analysis.q3"),
		loc.T("analysis.max"), loc.T("analysis.weak_units"), loc.T("analysis.share"), loc.T("analysis.common"), loc.T("analysis.persistent")}
	var rows [][]any
	for k, row := range rep.Rows {
		for c, b := range row.Boxes {
			rows = append(rows, []any{k + 1, row.Indicator.Code, row.Indicator.Name, rep.Cycles[c].Name, b.N,
				cell(b.Min), cell(b.Q1), cell(b.Median), cell(b.Q3), cell(b.Max), weakCell(b.Suppressed, b.Weak), cell(b.Share),
				cell(row.Common), cell(row.PersistentShare)})
		}
	}
	h.sendSheet(w, r, loc.T("analysis.sheet"), header, rows, rep.Jurisdiction.Name+"-"+names.Of(rep.Category)+"-薄弱环节.xlsx")
}

// analysisIndicatorExport downloads the drill-down's table: each unit's
// values of the indicator over the span.
func (h *Handler) analysisIndicatorExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f, err := analysisFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	dr, err := h.analysis.Indicator(r.Context(), a, f, r.PathValue("code"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	header := []string{loc.T("analysis.unit"), loc.T("analysis.cycle"), loc.T("analysis.provider"), loc.T("analysis.raw"),
		loc.T("analysis.normalised"), loc.T("analysis.weak")}
	var rows [][]any
	for _, u := range dr.Units {
		for c, v := range u.Values {
			if !v.Has {
				continue
			}
			weak := ""
			if v.Weak {
				weak = loc.T("analysis.weak")
			}
			rows = append(rows, []any{u.Unit.Name, dr.Report.Cycles[c].Name, dr.Providers[c], v.Raw, v.Normalised, weak})
		}
	}
	h.sendSheet(w, r, loc.T("analysis.sheet"), header, rows, dr.Report.Jurisdiction.Name+"-"+dr.Row.Indicator.Name+".xlsx")
}

// cell is x for a workbook: empty when withheld or missing.
func cell(x float64) any {
	if math.IsNaN(x) {
		return ""
	}
	return x
}

// weakCell is a count of weak units, empty when withheld.
func weakCell(suppressed bool, n int) any {
	if suppressed {
		return ""
	}
	return n
}
