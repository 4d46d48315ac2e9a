package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/score"
)

// heatmapPageSize is the number of entities a heatmap page shows.
const heatmapPageSize = 50

// heatmapData is the content of the heatmap page: a group's entities ×
// leaf indicators, normalised, each cell coloured by its quartile in the
// group, to show weak links (R9.3).
type heatmapData struct {
	C         *cycle.Cycle
	Published bool
	Groups    []cycle.GroupCount
	Group     string
	// Names names the groups.
	Names      groupNames
	Leaves     []cycle.Leaf
	Rows       []heatRow
	Median     []string
	Total      int
	Prev, Next string
	Chart      heatChart
}

type heatRow struct {
	Entity, Name string
	Rank         int
	Total        string
	Cells        []heatCell
}

type heatCell struct {
	Value    string
	Quartile int
}

// heatChart is the heatmap's data for charts.js: x the indicators, y the
// entities, cells [x, y, value].
type heatChart struct {
	Kind string   `json:"kind"`
	X    []string `json:"x"`
	Y    []string `json:"y"`
	Data [][3]any `json:"data"`
	Min  float64  `json:"min"`
	Max  float64  `json:"max"`
}

// heatmapShow shows the heatmap of one comparison group, 50 entities a
// page in rank order.
func (h *Handler) heatmapShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	hm, err := h.cycle.Heatmap(r.Context(), a, id, q.Get("group"), (page-1)*heatmapPageSize, heatmapPageSize)
	if err != nil {
		h.resultsPending(w, r, a, id, "heatmap", err)
		return
	}
	p := h.newPage(r, "cycles")
	data := heatmapData{C: hm.Cycle, Published: hm.Published, Groups: hm.Groups, Group: hm.Group, Leaves: hm.Leaves, Total: hm.Total,
		Chart: heatChart{Kind: "heatmap", Min: 0, Max: 100}}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, l := range hm.Leaves {
		data.Chart.X = append(data.Chart.X, l.Name)
	}
	for _, m := range hm.Median {
		data.Median = append(data.Median, num(m, 1))
	}
	for y, row := range hm.Rows {
		hr := heatRow{Entity: row.Entity.ID, Name: row.Entity.Name, Rank: row.Rank, Total: fixed(row.Total, 2)}
		data.Chart.Y = append(data.Chart.Y, row.Entity.Name)
		for x, c := range row.Cells {
			hr.Cells = append(hr.Cells, heatCell{Value: num(c.Value, 1), Quartile: c.Quartile})
			data.Chart.Data = append(data.Chart.Data, [3]any{x, y, score.Num(c.Value)})
		}
		data.Rows = append(data.Rows, hr)
	}
	link := func(pg int) string {
		v := url.Values{"group": {hm.Group}}
		if pg > 1 {
			v.Set("page", strconv.Itoa(pg))
		}
		return "?" + v.Encode()
	}
	if page > 1 {
		data.Prev = link(page - 1)
	}
	if page*heatmapPageSize < hm.Total {
		data.Next = link(page + 1)
	}
	p.Title = hm.Cycle.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "heatmap_show", p)
}
