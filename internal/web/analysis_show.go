package web

import (
	"net/http"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
)

// analysisData is the content of the weak-link analysis page (R9.3).
type analysisData struct {
	Rep   *analysis.Report
	Names groupNames
	// Query repeats the analysis on the drill-down pages and the export.
	Query string
	Rows  []analysisRow
	// Span lists the cycles to choose the span from.
	Span []spanCycle
	// Box, Trend and Heat are the charts' data.
	Box   analysisBox
	Trend analysisLines
	Heat  heatChart
}

// spanCycle is a published cycle the span may hold.
type spanCycle struct {
	ID      int64
	Name    string
	Checked bool
}

// analysisRow is one indicator of the ranked table.
type analysisRow struct {
	Code, Name string
	// Shares are the shares of weak units per cycle.
	Shares               []string
	Common, Persistent   string
	PersistentN, Tracked int
	Median               string
	Suppressed           bool
}

// analysisBox is a box plot's data for charts.js: per indicator the
// latest cycle's [min, Q1, median, Q3, max].
type analysisBox struct {
	Kind string   `json:"kind"`
	X    []string `json:"x"`
	Data [][]any  `json:"data"`
}

// analysisLines is a line chart's data for charts.js.
type analysisLines struct {
	Kind   string         `json:"kind"`
	X      []string       `json:"x"`
	Series []analysisLine `json:"series"`
	// Percent marks values that are percentages.
	Percent bool `json:"percent"`
}

type analysisLine struct {
	Name string `json:"name"`
	Data []any  `json:"data"`
}

// analysisChartRows is how many of the weakest indicators the charts draw.
const analysisChartRows = 12

// analysisShow shows the weak-link analysis of a jurisdiction, a category
// and a span of published cycles.
func (h *Handler) analysisShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
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
	p := h.newPage(r, "analysis")
	data := analysisData{Rep: rep, Query: analysisQuery(rep), Box: analysisBox{Kind: "boxplot"},
		Trend: analysisLines{Kind: "lines", Percent: true}, Heat: heatChart{Kind: "heatmap", Min: 0, Max: 100}}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	in := map[int64]bool{}
	for _, c := range rep.Cycles {
		in[c.ID] = true
	}
	for _, c := range rep.Available {
		data.Span = append(data.Span, spanCycle{ID: c.ID, Name: c.Name, Checked: in[c.ID]})
	}
	for _, c := range rep.Cycles {
		data.Trend.X = append(data.Trend.X, c.Period)
		data.Heat.X = append(data.Heat.X, c.Period)
	}
	last := len(rep.Cycles) - 1
	for k, row := range rep.Rows {
		ar := analysisRow{Code: row.Indicator.Code, Name: row.Indicator.Name, Common: share(row.Common),
			Persistent: share(row.PersistentShare), PersistentN: row.Persistent, Tracked: row.Tracked}
		for _, b := range row.Boxes {
			ar.Shares = append(ar.Shares, share(b.Share))
		}
		if last >= 0 {
			ar.Median = score1(row.Boxes[last].Median)
			ar.Suppressed = row.Boxes[last].Suppressed
		}
		data.Rows = append(data.Rows, ar)
		if k >= analysisChartRows || last < 0 {
			continue
		}
		if b := row.Boxes[last]; !b.Suppressed {
			data.Box.X = append(data.Box.X, row.Indicator.Name)
			data.Box.Data = append(data.Box.Data, []any{chartNum(b.Min), chartNum(b.Q1), chartNum(b.Median), chartNum(b.Q3), chartNum(b.Max)})
		}
		line := analysisLine{Name: row.Indicator.Name}
		y := len(data.Heat.Y)
		data.Heat.Y = append(data.Heat.Y, row.Indicator.Name)
		for c, b := range row.Boxes {
			line.Data = append(line.Data, chartNum(100*b.Share))
			data.Heat.Data = append(data.Heat.Data, [3]any{c, y, chartNum(b.Median)})
		}
		if k < 5 {
			data.Trend.Series = append(data.Trend.Series, line)
		}
	}
	p.Title = p.loc.T("analysis.title")
	p.Data = data
	h.render(w, r, http.StatusOK, "analysis_show", p)
}
