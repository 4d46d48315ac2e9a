package web

import (
	"cmp"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// schemeVersionData is the content of a version's page: the indicator
// tree with weights per category, the AHP panels and the actions.
type schemeVersionData struct {
	Scheme  *scheme.Scheme
	Version versionRow
	Cats    []catColumn
	Rows    []treeRow
	AHP     []ahpPanel
	// Rules are the finding rules, Caps the caps on bonus and deduction
	// points beside them.
	Rules []ruleRow
	Caps  []capRow
	// RuleForm holds the rows of the rules form of a draft: the rules
	// (or what was submitted), then blank rows; Categories, Severities
	// and Items are its choices.
	RuleForm               []ruleFormRow
	Categories, Severities []choice
	Items                  []choice
	// Editable: a draft no cycle uses, and the actor may write.
	Editable bool
	CanWrite bool
	Errors   []string
}

// ruleRow is a finding rule as shown: labels, the indicator's name, its
// points (or Veto) and the indicator's own cap.
type ruleRow struct {
	Category, Severity string
	Indicator          string
	Points             string
	Veto               bool
	Cap                string
}

// capRow is a cap on bonus or deduction points: of an item, of an item
// with lower items (a dimension), or of all of them.
type capRow struct {
	Name, Kind, Scope, Cap string
}

// ruleFormRow is one row of the rules form, as submitted.
type ruleFormRow struct{ Category, Severity, Indicator, Points string }

// choice is an option of a select.
type choice struct{ Value, Label string }

// blankRuleRows is how many empty rows the rules form offers.
const blankRuleRows = 3

// ruleField is the key of a submitted rules-form cell in the map that
// renderVersion shows again.
func ruleField(k int, name string) string { return "r:" + strconv.Itoa(k) + ":" + name }

type catColumn struct{ Key, Name string }

type treeRow struct {
	Code, Name, Kind string
	Depth            int
	Source           string
	Key, Leading     bool
	Scored           bool
	Weighting        string
	Cells            []weightCell
}

type weightCell struct {
	Field, Value, Local, Effective string
}

// defaultCatKey stands for the default weights in form fields.
const defaultCatKey = "*"

// weightField is the form field of a node's weight in a category.
func weightField(code, cat string) string {
	if cat == scheme.DefaultCategory {
		cat = defaultCatKey
	}
	return "w:" + code + ":" + cat
}

// schemeVersionShow shows one version of a scheme.
func (h *Handler) schemeVersionShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderVersion(w, r, a, http.StatusOK, nil, nil)
}

// loadVersion reads the scheme and version of a version route.
func (h *Handler) loadVersion(r *http.Request, a *auth.Actor) (*scheme.Scheme, *scheme.Version, error) {
	id, err := schemeID(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := versionNumber(r)
	if err != nil {
		return nil, nil, err
	}
	s, err := h.scheme.Scheme(r.Context(), a, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := h.scheme.VersionByNumber(r.Context(), a, id, n)
	if err != nil {
		return nil, nil, err
	}
	return s, v, nil
}

// renderVersion renders the version page; submitted holds form values to
// show again after a refused change.
func (h *Handler) renderVersion(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, fail error, submitted map[string]string) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	names, err := h.categoryCodes(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lib, err := h.scheme.Indicators(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	libByCode := map[string]*scheme.Indicator{}
	for _, ind := range lib {
		libByCode[ind.Code] = ind
	}
	nodes, err := scheme.Tree(v.Doc, s.Categories)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "schemes")
	p.Title = s.Name + " · " + p.loc.T("scheme.version_label", "Number", v.Number)
	p.Crumbs = []crumb{{Name: p.loc.T("schemes.title"), URL: "/schemes"}, {Name: s.Name, URL: "/schemes/" + strconv.FormatInt(s.ID, 10)}}
	canWrite := h.policy.Authorize(a, auth.ActSchemeWrite, s.OwnerPath) == nil
	data := schemeVersionData{Scheme: s, CanWrite: canWrite, Editable: canWrite && v.Status == scheme.StatusDraft && !v.Locked,
		Errors: h.errorLines(p, fail),
		Version: versionRow{Number: v.Number, Status: string(v.Status), StatusLabel: p.loc.T("scheme.status." + string(v.Status)),
			Locked: v.Locked, Reason: v.Reason, Cycle: v.EffectiveCycle, From: v.EffectiveFrom, Author: actorName(p, v.AuthorID, v.AuthorName, v.Author),
			Digest: v.Digest, Created: p.loc.DateTime(v.CreatedAt)}}
	cats := append([]string{scheme.DefaultCategory}, s.Categories...)
	for _, c := range cats {
		name := names[c]
		if c == scheme.DefaultCategory {
			name = p.loc.T("scheme.default_weights")
		} else if name == "" {
			name = c
		}
		data.Cats = append(data.Cats, catColumn{Key: c, Name: name})
	}
	for _, n := range nodes {
		row := treeRow{Code: n.Code, Name: n.Name, Kind: p.loc.T("scheme.kind." + string(n.Kind)), Depth: n.Depth,
			Key: n.Key, Leading: n.Leading, Scored: n.Scored}
		if n.Children > 0 && n.Weighting != "" {
			row.Weighting = p.loc.T("scheme.weighting." + string(n.Weighting))
		}
		if def, ok := libByCode[n.Code]; ok && n.Children == 0 {
			row.Source = def.DataItem
			if def.Formula != "" {
				row.Source = def.Formula
			}
		}
		if n.Scored {
			for _, c := range cats {
				f := weightField(n.Code, c)
				val, ok := submitted[f]
				if !ok {
					val = strconv.FormatFloat(n.Weight[c], 'f', -1, 64)
				}
				row.Cells = append(row.Cells, weightCell{Field: f, Value: val, Local: scheme.Percent(n.Local[c]),
					Effective: scheme.Percent(n.Effective[c])})
			}
		}
		data.Rows = append(data.Rows, row)
	}
	data.AHP = ahpPanels(p, v.Doc)
	rulesOf(p, v.Doc, submitted, &data)
	p.Data = data
	h.render(w, r, status, "scheme_version", p)
}

// ahpPanels returns a pairwise comparison panel for the root and every
// dimension with at least two scored children.
func ahpPanels(p *page, doc *score.Scheme) []ahpPanel {
	var out []ahpPanel
	parents := map[string]bool{}
	for _, ind := range doc.Indicators {
		if ind.Parent != "" {
			parents[ind.Parent] = true
		}
	}
	panel := func(code, name string, weighting score.Weighting, m [][]float64) {
		var kids []string
		for _, ind := range doc.Indicators {
			k := ind.Kind
			if k == "" && parents[ind.Code] {
				k = score.KindDimension
			}
			if ind.Parent == code && (k == "" || k == score.KindDimension || k == score.KindQuantitative || k == score.KindQualitative) {
				kids = append(kids, ind.Name)
			}
		}
		if len(kids) < 2 || len(kids) > len(score.RandomIndex) {
			return
		}
		if len(m) != len(kids) {
			m = nil
		}
		out = append(out, newAHPPanel(p, code, name, weighting == score.WeightAHP, kids, m))
	}
	panel("", p.loc.T("scheme.root"), doc.Weighting, doc.AHP)
	for _, ind := range doc.Indicators {
		if parents[ind.Code] && (ind.Kind == "" || ind.Kind == score.KindDimension) {
			panel(ind.Code, ind.Name, ind.Weighting, ind.AHP)
		}
	}
	return out
}

// rulesOf fills the rules table, the caps beside it and the rules form of
// doc; submitted, when set, holds the form as it was sent (ruleField).
func rulesOf(p *page, doc *score.Scheme, submitted map[string]string, data *schemeVersionData) {
	parents := map[string]bool{}
	for _, ind := range doc.Indicators {
		if ind.Parent != "" {
			parents[ind.Parent] = true
		}
	}
	byCode := map[string]*score.Indicator{}
	for i := range doc.Indicators {
		byCode[doc.Indicators[i].Code] = &doc.Indicators[i]
	}
	capText := func(c float64) string {
		if c > 0 {
			return pointsText(c)
		}
		return p.loc.T("scheme.cap_none")
	}
	for _, r := range doc.FindingRules {
		row := ruleRow{Category: p.loc.FindingCategory(r.Category), Severity: p.loc.FindingSeverity(r.Severity),
			Indicator: r.Indicator, Points: p.loc.T("scheme.rule_points_text", "points", pointsText(r.Points))}
		if ind, ok := byCode[r.Indicator]; ok {
			if ind.Name != "" {
				row.Indicator = ind.Name
			}
			row.Veto = ind.Kind == score.KindVeto
			if !row.Veto {
				row.Cap = capText(ind.Cap)
			}
		}
		data.Rules = append(data.Rules, row)
	}
	// Caps: every bonus and deduction item, then the totals.
	for _, ind := range doc.Indicators {
		if ind.Kind != score.KindBonus && ind.Kind != score.KindDeduction {
			continue
		}
		scope := "scheme.cap_item"
		if parents[ind.Code] {
			scope = "scheme.cap_dimension"
		}
		data.Caps = append(data.Caps, capRow{Name: cmp.Or(ind.Name, ind.Code), Kind: p.loc.T("scheme.kind." + string(ind.Kind)),
			Scope: p.loc.T(scope), Cap: capText(ind.Cap)})
		data.Items = append(data.Items, choice{Value: ind.Code, Label: cmp.Or(ind.Name, ind.Code) + "（" + p.loc.T("scheme.kind."+string(ind.Kind)) + "）"})
	}
	for _, ind := range doc.Indicators {
		if ind.Kind == score.KindVeto {
			data.Items = append(data.Items, choice{Value: ind.Code, Label: cmp.Or(ind.Name, ind.Code) + "（" + p.loc.T("scheme.kind.veto") + "）"})
		}
	}
	data.Caps = append(data.Caps,
		capRow{Name: p.loc.T("profile.cap_deductions"), Kind: p.loc.T("scheme.kind.deduction"), Scope: p.loc.T("scheme.cap_total_deduction"), Cap: capText(doc.DeductionCap)},
		capRow{Name: p.loc.T("profile.cap_bonuses"), Kind: p.loc.T("scheme.kind.bonus"), Scope: p.loc.T("scheme.cap_total_bonus"), Cap: capText(doc.BonusCap)})
	if !data.Editable {
		return
	}
	for _, c := range scheme.FindingCategories() {
		data.Categories = append(data.Categories, choice{Value: c, Label: p.loc.FindingCategory(c)})
	}
	for _, sv := range scheme.FindingSeverities() {
		data.Severities = append(data.Severities, choice{Value: sv, Label: p.loc.FindingSeverity(sv)})
	}
	if submitted != nil {
		for k := 0; ; k++ {
			c, ok := submitted[ruleField(k, "category")]
			if !ok {
				break
			}
			data.RuleForm = append(data.RuleForm, ruleFormRow{Category: c, Severity: submitted[ruleField(k, "severity")],
				Indicator: submitted[ruleField(k, "indicator")], Points: submitted[ruleField(k, "points")]})
		}
	}
	if len(data.RuleForm) == 0 {
		for _, r := range doc.FindingRules {
			row := ruleFormRow{Category: r.Category, Severity: r.Severity, Indicator: r.Indicator}
			if ind, ok := byCode[r.Indicator]; !ok || ind.Kind != score.KindVeto {
				row.Points = pointsText(r.Points)
			}
			data.RuleForm = append(data.RuleForm, row)
		}
	}
	for k := 0; k < blankRuleRows; k++ {
		data.RuleForm = append(data.RuleForm, ruleFormRow{})
	}
}

// pointsText writes points as entered: no trailing zeros.
func pointsText(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
