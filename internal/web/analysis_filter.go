package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/analysis"
	"kaohe/internal/errs"
)

// analysisFilter reads the analysis pages' query: unit (the
// jurisdiction), category and cycle (repeated, the span). A malformed
// number is refused naming its field.
func analysisFilter(r *http.Request) (analysis.Filter, error) {
	q := r.URL.Query()
	var f analysis.Filter
	if s := q.Get("unit"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, errs.Field("unit", "analysis.unit_invalid", "bad jurisdiction")
		}
		f.UnitID = id
	}
	f.Category = q.Get("category")
	for _, s := range q["cycle"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, errs.Field("cycles", "analysis.cycle_unknown", "bad cycle")
		}
		f.CycleIDs = append(f.CycleIDs, id)
	}
	return f, nil
}

// analysisQuery is the query string that repeats rep's analysis on
// another analysis page.
func analysisQuery(rep *analysis.Report) string {
	v := url.Values{"unit": {strconv.FormatInt(rep.Jurisdiction.ID, 10)}, "category": {rep.Category}}
	for _, c := range rep.Cycles {
		v.Add("cycle", strconv.FormatInt(c.ID, 10))
	}
	return v.Encode()
}

// share formats a share as a whole percentage, "—" when withheld.
func share(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return strconv.FormatFloat(100*x, 'f', 0, 64) + "%"
}

// score1 formats a normalised score with one decimal, "—" when missing.
func score1(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// chartNum is x for a chart's JSON: null when NaN.
func chartNum(x float64) any {
	if math.IsNaN(x) {
		return nil
	}
	return math.Round(x*10) / 10
}
