package scheme

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// The finding categories and severities a finding rule may name: the codes
// the finding package records findings with (docs/decisions/0111). The
// engine takes any code; a scheme version takes these only, so that a rule
// cannot name a category no finding will ever have and count nothing
// without a word.
var (
	findingCategories = []string{"integrity", "work_style", "safety", "environment", "stability", "finance", "statistics", "tasks"}
	findingSeverities = []string{"minor", "major", "severe"}
)

// FindingCategories returns the finding category codes, in the order
// pages list them: integrity (党风廉政), work_style (作风建设), safety (安全
// 生产), environment (生态环保), stability (信访稳定), finance (财经纪律),
// statistics (统计数据质量), tasks (重点任务落实).
func FindingCategories() []string { return slices.Clone(findingCategories) }

// FindingSeverities returns the finding severity codes, lightest first:
// minor (一般), major (较重), severe (严重).
func FindingSeverities() []string { return slices.Clone(findingSeverities) }

// Labels of the codes in the scheme workbook, which is read without the
// interface's message files (as kindLabels and the others in excel.go).
var (
	categoryLabels = map[string]string{"integrity": "党风廉政", "work_style": "作风建设", "safety": "安全生产",
		"environment": "生态环保", "stability": "信访稳定", "finance": "财经纪律", "statistics": "统计数据质量", "tasks": "重点任务落实"}
	severityLabels = map[string]string{"minor": "一般", "major": "较重", "severe": "严重"}
)

// rank is the position of code in list, len(list) for an unknown code.
func rank(list []string, code string) int {
	if i := slices.Index(list, code); i >= 0 {
		return i
	}
	return len(list)
}

// compareRules orders rules by category, then severity, in the order of
// the lists (unknown codes last, by code).
func compareRules(a, b score.FindingRule) int {
	return cmp.Or(cmp.Compare(rank(findingCategories, a.Category), rank(findingCategories, b.Category)),
		strings.Compare(a.Category, b.Category),
		cmp.Compare(rank(findingSeverities, a.Severity), rank(findingSeverities, b.Severity)),
		strings.Compare(a.Severity, b.Severity))
}

// canonicalRules sorts the rules of s (compareRules, stable) and drops
// the points of rules on veto items, which flag and count no points (a
// negative or NaN number stays, for the check to refuse).
func canonicalRules(s *score.Scheme) {
	if len(s.FindingRules) == 0 {
		s.FindingRules = nil
		return
	}
	parents := parentSet(s)
	kinds := make(map[string]score.Kind, len(s.Indicators))
	for i := range s.Indicators {
		kinds[s.Indicators[i].Code] = kindOf(&s.Indicators[i], parents[s.Indicators[i].Code])
	}
	for k := range s.FindingRules {
		r := &s.FindingRules[k]
		r.Category, r.Severity, r.Indicator = strings.TrimSpace(r.Category), strings.TrimSpace(r.Severity), strings.TrimSpace(r.Indicator)
		if kinds[r.Indicator] == score.KindVeto && r.Points > 0 && finite(r.Points) {
			r.Points = 0
		}
	}
	slices.SortStableFunc(s.FindingRules, compareRules)
}

// ruleError is an Invalid error about rule k (0-based) of a document. Its
// argument which names the rule by its category and severity (党风廉政·严
// 重), or by its number when one is missing: the rules are sorted when a
// version is stored, so a number alone may not be where the user put it.
func ruleError(r score.FindingRule, k int, field, key, format string, args ...any) *errs.Error {
	detail := fmt.Sprintf(format, args...)
	which := fmt.Sprintf("#%d", k+1)
	if r.Category != "" && r.Severity != "" {
		which = label(categoryLabels, r.Category) + "·" + label(severityLabels, r.Severity)
	}
	e := errs.New(errs.Invalid, key, fmt.Sprintf("finding rule %s: %s: %s", which, field, detail))
	e.Field = fmt.Sprintf("finding_rules[%d].%s", k, field)
	e.Args = map[string]any{"rule": k + 1, "which": which, "detail": detail}
	return e
}

// ruleErrors checks the finding rules of s in the user's language: what
// the engine checks (both codes, one rule per category and severity, a
// bonus, deduction or veto item, non-negative points) and that the codes
// are the platform's.
func ruleErrors(s *score.Scheme) errs.List {
	var l errs.List
	parents := parentSet(s)
	byCode := make(map[string]*score.Indicator, len(s.Indicators))
	for i := range s.Indicators {
		byCode[s.Indicators[i].Code] = &s.Indicators[i]
	}
	seen := map[[2]string]int{}
	for k, r := range s.FindingRules {
		if e := ruleCode(r, k, "category", r.Category, findingCategories, categoryLabels,
			"scheme.rule.category_required", "scheme.rule.category_unknown"); e != nil {
			l.Add(e)
		}
		if e := ruleCode(r, k, "severity", r.Severity, findingSeverities, severityLabels,
			"scheme.rule.severity_required", "scheme.rule.severity_unknown"); e != nil {
			l.Add(e)
		}
		if r.Category != "" && r.Severity != "" {
			key := [2]string{r.Category, r.Severity}
			if j, dup := seen[key]; dup {
				e := ruleError(r, k, "severity", "scheme.rule.duplicate", "a second rule for %s and %s (also rule %d)", r.Category, r.Severity, j+1)
				e.Args["other"] = j + 1
				e.Args["category"], e.Args["severity"] = label(categoryLabels, r.Category), label(severityLabels, r.Severity)
				l.Add(e)
			} else {
				seen[key] = k
			}
		}
		ind, ok := byCode[r.Indicator]
		switch {
		case strings.TrimSpace(r.Indicator) == "":
			l.Add(ruleError(r, k, "indicator", "scheme.rule.indicator_required", "the indicator is required"))
		case !ok:
			e := ruleError(r, k, "indicator", "scheme.rule.indicator_unknown", "the scheme has no indicator %q", r.Indicator)
			e.Args["indicator"] = r.Indicator
			l.Add(e)
		default:
			if kind := kindOf(ind, parents[ind.Code]); kind != score.KindBonus && kind != score.KindDeduction && kind != score.KindVeto {
				e := ruleError(r, k, "indicator", "scheme.rule.indicator_kind", "%s is a %s indicator; a rule counts on a bonus, deduction or veto item", r.Indicator, kind)
				e.Args["indicator"], e.Args["name"], e.Args["kind"] = r.Indicator, cmp.Or(ind.Name, ind.Code), label(kindLabels, string(kind))
				l.Add(e)
			}
		}
		if !finite(r.Points) || r.Points < 0 {
			e := ruleError(r, k, "points", "scheme.rule.points_invalid", "the points must be a non-negative number, got %g", r.Points)
			e.Args["value"] = fmtNum(r.Points)
			l.Add(e)
		}
	}
	return l
}

// ruleCode checks the category or severity (field) of rule k: given, and
// one of codes; required and unknown are the keys of the two errors.
func ruleCode(r score.FindingRule, k int, field, value string, codes []string, labels map[string]string, required, unknown string) *errs.Error {
	switch {
	case strings.TrimSpace(value) == "":
		return ruleError(r, k, field, required, "the %s is required", field)
	case !slices.Contains(codes, value):
		e := ruleError(r, k, field, unknown, "unknown %s %q (want one of %s)", field, value, strings.Join(codes, ", "))
		e.Args["value"], e.Args["allowed"] = value, labelsOf(labels, codes)
		return e
	}
	return nil
}

// labelsOf lists the labels of codes, in their order, separated by 、.
func labelsOf(labels map[string]string, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = label(labels, c)
	}
	return strings.Join(out, "、")
}

// SetRules replaces the finding rules of draft version id. Each rule must
// name a category and a severity of the platform (FindingCategories,
// FindingSeverities), at most one rule each pair, and a bonus, deduction or
// veto item of the version, with non-negative points (ignored, and stored
// as 0, for a veto). All problems are returned together and nothing is
// written while there is one. Only a draft that no cycle uses may change;
// the actor needs ActSchemeWrite on the scheme. Rules that change nothing
// write and record nothing.
func (s *Service) SetRules(ctx context.Context, a *auth.Actor, id int64, rules []score.FindingRule) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, sc, err := s.authorizeDraft(ctx, tx, a, id)
		if err != nil {
			return err
		}
		doc := clone(old.Doc)
		doc.FindingRules = slices.Clone(rules)
		out, err = s.storeDraft(ctx, tx, a, old, sc, draftOf(old, doc), "scheme.version.rules",
			map[string]any{"finding_rules": rules}, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
