package web

import (
	"html/template"
	"strconv"

	"kaohe/internal/cycle"
)

// archiveView is a list of published results across cycles (实绩档案):
// each cycle's total, grade, rank and rank interval, and its radar against
// the comparison group. The archive template shows it on the pages of a
// cadre, a unit and the cadre's home.
type archiveView struct {
	// ID prefixes the element ids of the charts, unique on the page.
	ID   string
	Rows []archiveRow
}

type archiveRow struct {
	CycleID             int64
	Cycle, Period, Kind string
	// Link is the result's profile in its cycle.
	Link     string
	R        rankRow
	Interval bool
	// Chart is the radar's element id; Radar and Axes its data, empty when
	// the scheme has no dimensions to draw.
	Chart string
	Radar radarChart
	Axes  []axisRow
	// SVG is the radar drawn for print (person_pdf.go) from dims, the
	// dimensions it shows; empty on a page, which draws Radar.
	SVG  template.HTML
	dims []cycle.Dimension
}

// archiveOf lays out archive entries for the archive template; id names
// the list on the page.
func archiveOf(p *page, id string, entries []*cycle.ArchiveEntry) archiveView {
	v := archiveView{ID: id}
	for _, e := range entries {
		res := e.Result
		row := archiveRow{CycleID: e.Cycle.ID, Cycle: e.Cycle.Name, Period: e.Cycle.Period, Kind: p.loc.T("cycle.kind." + string(e.Cycle.Kind)),
			Link: "/cycles/" + strconv.FormatInt(e.Cycle.ID, 10) + "/results/" + res.Entity.ID,
			R:    rankRowOf(res), Interval: e.Interval,
			Chart: id + "-radar-" + strconv.FormatInt(e.Cycle.ID, 10)}
		if len(e.Dimensions) > 0 {
			row.Radar, row.Axes = radarOf(p, res.Entity.Name, e.Dimensions)
			row.dims = e.Dimensions
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// radarOf builds the radar of an entity named name on dims against its
// group's mean and median, with the table of the same numbers.
func radarOf(p *page, name string, dims []cycle.Dimension) (radarChart, []axisRow) {
	rc := radarChart{Kind: "radar"}
	var axes []axisRow
	me := radarSerie{Name: name}
	mean := radarSerie{Name: p.loc.T("profile.group_mean")}
	median := radarSerie{Name: p.loc.T("profile.group_median")}
	for _, d := range dims {
		rc.Indicators = append(rc.Indicators, radarAxis{Name: d.Name, Max: 100})
		me.Data = append(me.Data, d.Score)
		mean.Data = append(mean.Data, d.Mean)
		median.Data = append(median.Data, d.Median)
		axes = append(axes, axisRow{Name: d.Name, Score: num(d.Score, 2), Mean: num(d.Mean, 2), Median: num(d.Median, 2)})
	}
	rc.Series = []radarSerie{me, mean, median}
	return rc, axes
}
