package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// schemeRulesSave replaces the finding rules of a draft version with the
// rows of the rules form (scheme.Service.SetRules checks them). A row with
// nothing chosen is skipped; a refusal shows the rows as sent with every
// problem named by its category and severity.
func (h *Handler) schemeRulesSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	cats, sevs, inds, pts := f["rule_category"], f["rule_severity"], f["rule_indicator"], f["rule_points"]
	cell := func(vals []string, k int) string {
		if k < len(vals) {
			return strings.TrimSpace(vals[k])
		}
		return ""
	}
	veto := map[string]bool{}
	for _, ind := range v.Doc.Indicators {
		veto[ind.Code] = ind.Kind == score.KindVeto
	}
	var (
		rules []score.FindingRule
		bad   errs.List
	)
	submitted := map[string]string{}
	n := max(len(cats), len(sevs), len(inds), len(pts))
	for k := 0; k < n; k++ {
		row := ruleFormRow{Category: cell(cats, k), Severity: cell(sevs, k), Indicator: cell(inds, k), Points: cell(pts, k)}
		if row == (ruleFormRow{}) {
			continue
		}
		i := len(rules)
		submitted[ruleField(i, "category")], submitted[ruleField(i, "severity")] = row.Category, row.Severity
		submitted[ruleField(i, "indicator")], submitted[ruleField(i, "points")] = row.Indicator, row.Points
		rule := score.FindingRule{Category: row.Category, Severity: row.Severity, Indicator: row.Indicator}
		if row.Points != "" || !veto[row.Indicator] {
			x, err := strconv.ParseFloat(row.Points, 64)
			if err != nil {
				which := fmt.Sprintf("#%d", i+1)
				if row.Category != "" && row.Severity != "" {
					which = h.localizer(r).FindingKind(row.Category, row.Severity)
				}
				e := errs.New(errs.Invalid, "scheme.rule.points_invalid", fmt.Sprintf("finding rule %s: points: %q is not a number", which, row.Points))
				e.Field = fmt.Sprintf("finding_rules[%d].points", i)
				e.Args = map[string]any{"rule": i + 1, "which": which, "value": row.Points}
				bad.Add(e)
			}
			rule.Points = x
		}
		rules = append(rules, rule)
	}
	if len(bad) > 0 {
		h.renderVersion(w, r, a, http.StatusUnprocessableEntity, bad, submitted)
		return
	}
	if _, err := h.scheme.SetRules(r.Context(), a, v.ID, rules); err != nil {
		h.renderVersion(w, r, a, errs.HTTPStatus(err), err, submitted)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=scheme_saved#rules", s.ID, v.Number), http.StatusSeeOther)
}
