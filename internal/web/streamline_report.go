package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/scheme"
)

// streamlineData is the content of the streamlining report.
type streamlineData struct {
	Report     *scheme.Report
	Units      []streamlineUnit
	Pairs      []streamlinePair
	Duplicates []streamlinePair
	Shared     []streamlineShared
	Average    string
}

type streamlineUnit struct {
	UnitID            int64
	Name, Code        string
	Category          string
	Schemes           string
	Indicators, Items int
}

// streamlinePair is two correlated indicators, or two data items carrying
// the same data (R empty when their values are identical).
type streamlinePair struct {
	// A and B are the two items or indicators by name, CodeA and CodeB
	// their codes, shown beside them.
	A, B, CodeA, CodeB, R, N, Units, Periods string
}

type streamlineShared struct {
	Code, Schemes, Indicators string
}

// streamlineReport shows the assessment burden per unit across the active
// schemes, data items requested more than once, strongly correlated
// indicator pairs that could be merged and data items that carry the same
// data under two codes (精简考核事项).
func (h *Handler) streamlineReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := h.policy.RequireAny(a, auth.ActSchemeRead); err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.scheme.Streamline(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.categoryCodes(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "streamline")
	data := streamlineData{Report: rep}
	total := 0
	for _, u := range rep.Units {
		cat := names[u.Category]
		if cat == "" {
			cat = u.Category
		}
		data.Units = append(data.Units, streamlineUnit{UnitID: u.UnitID, Name: u.Name, Code: u.Code, Category: cat,
			Schemes: strings.Join(u.Schemes, "、"), Indicators: u.Indicators, Items: u.Items})
		total += u.Items
	}
	if len(rep.Units) > 0 {
		data.Average = strconv.FormatFloat(float64(total)/float64(len(rep.Units)), 'f', 1, 64)
	}
	for _, s := range rep.Shared {
		data.Shared = append(data.Shared, streamlineShared{Code: s.Code, Schemes: strings.Join(s.Schemes, "、"),
			Indicators: strings.Join(s.Indicators, "、")})
	}
	items, err := h.collect.Items(r.Context(), a, collect.ItemFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	itemNames := map[string]string{}
	for _, it := range items {
		itemNames[it.Code] = it.Name
	}
	named := func(name, code string) string { return cmp.Or(name, code) }
	for _, pr := range rep.Correlated {
		data.Pairs = append(data.Pairs, streamlinePair{A: named(pr.NameA, pr.A), B: named(pr.NameB, pr.B), CodeA: pr.A, CodeB: pr.B,
			R: strconv.FormatFloat(pr.R, 'f', 3, 64), N: strconv.Itoa(pr.N), Units: strconv.Itoa(pr.Units),
			Periods: strings.Join(pr.Periods, "、")})
	}
	for _, d := range rep.Duplicates {
		dup := streamlinePair{A: named(itemNames[d.A], d.A), B: named(itemNames[d.B], d.B), CodeA: d.A, CodeB: d.B, N: strconv.Itoa(d.N),
			Units: strconv.Itoa(d.Units), Periods: strings.Join(d.Periods, "、")}
		if !d.Identical {
			dup.R = strconv.FormatFloat(d.R, 'f', 4, 64)
		}
		data.Duplicates = append(data.Duplicates, dup)
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "streamline_report", p)
}
