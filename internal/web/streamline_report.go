package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
)

// streamlineData is the content of the streamlining report.
type streamlineData struct {
	Report  *scheme.Report
	Units   []streamlineUnit
	Pairs   []streamlinePair
	Shared  []streamlineShared
	Average string
}

type streamlineUnit struct {
	UnitID            int64
	Name, Code        string
	Category          string
	Schemes           string
	Indicators, Items int
}

type streamlinePair struct {
	A, B, R, N, Period string
}

type streamlineShared struct {
	Code, Schemes, Indicators string
}

// streamlineReport shows the assessment burden per unit across the active
// schemes, data items requested more than once, and strongly correlated
// indicator pairs that could be merged (精简考核事项).
func (h *Handler) streamlineReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := h.requireAny(a, auth.ActSchemeRead); err != nil {
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
	for _, pr := range rep.Correlated {
		period := pr.PeriodA
		if pr.PeriodB != pr.PeriodA {
			period += " / " + pr.PeriodB
		}
		data.Pairs = append(data.Pairs, streamlinePair{A: pr.NameA + " (" + pr.A + ")", B: pr.NameB + " (" + pr.B + ")",
			R: strconv.FormatFloat(pr.R, 'f', 3, 64), N: strconv.Itoa(pr.N), Period: period})
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "streamline_report", p)
}
