package web

import (
	"net/http"
	"strings"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
)

// analysisPolicyData is the policy view: the common weak links with the
// units affected, laid out to print for a meeting.
type analysisPolicyData struct {
	Rep   *analysis.Report
	Names groupNames
	Query string
	Links []policyLink
	// Periods names the span, e.g. "2023–2025".
	Periods string
}

type policyLink struct {
	Code, Name, Common, Persistent string
	PersistentUnits, LatestUnits   string
}

// analysisPolicy shows the policy view of the analysis.
func (h *Handler) analysisPolicy(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f, err := analysisFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pv, err := h.analysis.Policy(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "analysis")
	data := analysisPolicyData{Rep: pv.Report, Query: analysisQuery(pv.Report)}
	if data.Names, err = h.groupNames(r.Context(), a, p.loc); err != nil {
		h.fail(w, r, err)
		return
	}
	if cs := pv.Report.Cycles; len(cs) > 0 {
		data.Periods = cs[0].Period
		if len(cs) > 1 {
			data.Periods += "–" + cs[len(cs)-1].Period
		}
	}
	for _, l := range pv.Links {
		data.Links = append(data.Links, policyLink{Code: l.Row.Indicator.Code, Name: l.Row.Indicator.Name, Common: share(l.Row.Common),
			Persistent: share(l.Row.PersistentShare), PersistentUnits: unitNames(l.Persistent), LatestUnits: unitNames(l.Latest)})
	}
	p.Title = p.loc.T("analysis.policy")
	p.Data = data
	h.render(w, r, http.StatusOK, "analysis_policy", p)
}

// unitNames joins the names of units with the Chinese enumeration comma.
func unitNames(us []analysis.UnitRef) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name
	}
	return strings.Join(names, "、")
}
