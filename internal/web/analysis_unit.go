package web

import (
	"net/http"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
)

// analysisUnitData compares one unit with its peer group and with itself
// over the span.
type analysisUnitData struct {
	Rep   *analysis.Report
	Names groupNames
	Query string
	Unit  analysis.UnitRef
	Lines []analysisUnitLine
	Chart analysisLines
}

// analysisUnitLine is one indicator: per cycle the unit's value and the
// peers' median.
type analysisUnitLine struct {
	Code, Name string
	Cells      []analysisUnitCell
}

type analysisUnitCell struct {
	analysisCell
	PeerMedian, Provider string
}

// analysisUnit shows one unit of the analysis against its peers.
func (h *Handler) analysisUnit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := analysisFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uc, err := h.analysis.Unit(r.Context(), a, f, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "analysis")
	rep := uc.Report
	data := analysisUnitData{Rep: rep, Query: analysisQuery(rep), Unit: uc.Unit, Chart: analysisLines{Kind: "lines"}}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	last := len(rep.Cycles) - 1
	self := analysisLine{Name: uc.Unit.Name}
	peers := analysisLine{Name: p.loc.T("analysis.peer_median")}
	for k, l := range uc.Lines {
		line := analysisUnitLine{Code: l.Row.Indicator.Code, Name: l.Row.Indicator.Name}
		for c, v := range l.Values {
			line.Cells = append(line.Cells, analysisUnitCell{analysisCell: analysisValue(v), PeerMedian: score1(l.Row.Boxes[c].Median),
				Provider: l.Providers[c]})
		}
		data.Lines = append(data.Lines, line)
		if k < analysisChartRows && last >= 0 {
			data.Chart.X = append(data.Chart.X, l.Row.Indicator.Name)
			v := l.Values[last]
			if v.Has {
				self.Data = append(self.Data, chartNum(v.Normalised))
			} else {
				self.Data = append(self.Data, nil)
			}
			peers.Data = append(peers.Data, chartNum(l.Row.Boxes[last].Median))
		}
	}
	data.Chart.Series = []analysisLine{self, peers}
	p.Title = uc.Unit.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "analysis_unit", p)
}
