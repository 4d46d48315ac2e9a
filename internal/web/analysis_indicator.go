package web

import (
	"math"
	"net/http"
	"strconv"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
)

// analysisIndicatorData is the drill-down from one indicator of the
// analysis to its units and their values.
type analysisIndicatorData struct {
	Rep   *analysis.Report
	Names groupNames
	Query string
	Code  string
	Name  string
	// Boxes summarise each cycle; Providers name each cycle's provider.
	Boxes     []analysisBoxRow
	Units     []analysisUnitRow
	Trend     analysisLines
	Providers []string
}

type analysisBoxRow struct {
	Period, Name, Provider          string
	N                               int
	Min, Q1, Median, Q3, Max, Share string
	Suppressed                      bool
}

type analysisUnitRow struct {
	ID                 int64
	Name               string
	Cells              []analysisCell
	WeakCycles, Cycles int
}

// analysisCell is one unit's value in one cycle.
type analysisCell struct {
	Raw, Normalised string
	Weak            bool
}

// analysisIndicator drills from an indicator to its units' values.
func (h *Handler) analysisIndicator(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
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
	p := h.newPage(r, "analysis")
	rep := dr.Report
	data := analysisIndicatorData{Rep: rep, Query: analysisQuery(rep), Code: dr.Row.Indicator.Code, Name: dr.Row.Indicator.Name,
		Trend: analysisLines{Kind: "lines"}}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	median := analysisLine{Name: p.loc.T("analysis.median")}
	q1 := analysisLine{Name: p.loc.T("analysis.q1")}
	q3 := analysisLine{Name: p.loc.T("analysis.q3")}
	for k, b := range dr.Row.Boxes {
		c := rep.Cycles[k]
		data.Boxes = append(data.Boxes, analysisBoxRow{Period: c.Period, Name: c.Name, Provider: dr.Providers[k], N: b.N,
			Min: score1(b.Min), Q1: score1(b.Q1), Median: score1(b.Median), Q3: score1(b.Q3), Max: score1(b.Max),
			Share: share(b.Share), Suppressed: b.Suppressed})
		data.Trend.X = append(data.Trend.X, c.Period)
		median.Data = append(median.Data, chartNum(b.Median))
		q1.Data = append(q1.Data, chartNum(b.Q1))
		q3.Data = append(q3.Data, chartNum(b.Q3))
	}
	data.Trend.Series = []analysisLine{q1, median, q3}
	for _, u := range dr.Units {
		row := analysisUnitRow{ID: u.Unit.ID, Name: u.Unit.Name, WeakCycles: u.WeakCycles, Cycles: u.Cycles}
		for _, v := range u.Values {
			row.Cells = append(row.Cells, analysisValue(v))
		}
		data.Units = append(data.Units, row)
	}
	p.Title = dr.Row.Indicator.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "analysis_indicator", p)
}

// analysisValue formats one value.
func analysisValue(v analysis.Value) analysisCell {
	if !v.Has {
		return analysisCell{Raw: "—", Normalised: "—"}
	}
	return analysisCell{Raw: strconv.FormatFloat(math.Round(v.Raw*100)/100, 'f', -1, 64), Normalised: score1(v.Normalised), Weak: v.Weak}
}
