package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/outcome"
)

// outcomeRulesData is the rule set of an office's unit with a form per
// rule and one that adds a rule.
type outcomeRulesData struct {
	UnitID  int64
	Unit    string
	Rules   []outcome.Rule
	Actions []option
	// MayEdit shows the forms to the office.
	MayEdit bool
	// Errors are a refused rule's problems, Form its values.
	Errors []string
	Form   outcome.Rule
}

// outcomeRules shows the rule set of unit ?unit= (the actor's first
// grant by default).
func (h *Handler) outcomeRules(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderRules(w, r, a, http.StatusOK, nil, outcome.Rule{Enabled: true})
}

// ruleUnit is the unit a rules request names, or the actor's first
// grant's.
func ruleUnit(r *http.Request, a *auth.Actor) int64 {
	v := r.FormValue("unit")
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return id
	}
	if len(a.Grants) > 0 {
		return a.Grants[0].UnitID
	}
	return 0
}

// renderRules renders the rule set with a refused form.
func (h *Handler) renderRules(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string, form outcome.Rule) {
	unit := ruleUnit(r, a)
	rules, err := h.outcome.Rules(r.Context(), a, unit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "outcome")
	data := outcomeRulesData{UnitID: unit, Unit: h.unitName(r, a, unit), Rules: rules, Errors: problems, Form: form}
	if u, err := h.org.Unit(r.Context(), a, unit); err == nil {
		data.MayEdit = h.policy.Authorize(a, auth.ActOutcomeDecide, u.Path) == nil
	}
	for _, x := range outcome.Actions {
		data.Actions = append(data.Actions, option{Value: string(x), Label: p.loc.T("outcome.action." + string(x))})
	}
	p.Crumbs = []crumb{{Name: p.loc.T("outcome.title"), URL: "/outcome"}, {Name: p.loc.T("outcome.rules")}}
	p.Data = data
	h.render(w, r, status, "outcome_rules", p)
}

// outcomeRuleSave saves a rule of the form's unit.
func (h *Handler) outcomeRuleSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	rule := outcome.Rule{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Action: outcome.Action(r.PostFormValue("action")),
		Condition: r.PostFormValue("condition"), Enabled: r.PostFormValue("enabled") == "on"}
	unit := ruleUnit(r, a)
	if _, err := h.outcome.SaveRule(r.Context(), a, unit, rule, r.PostFormValue("reason")); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderRules(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err), rule)
		return
	}
	http.Redirect(w, r, "/outcome/rules?unit="+strconv.FormatInt(unit, 10)+"&flash=outcome_rule_saved", http.StatusSeeOther)
}
