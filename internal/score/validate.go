package score

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// maxErrors caps the errors Validate reports.
const maxErrors = 50

// ParseScheme decodes a scheme from JSON, rejecting unknown fields, and
// validates it.
func ParseScheme(data []byte) (*Scheme, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scheme
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("scheme: %w", err)
	}
	if dec.More() {
		return nil, errors.New("scheme: trailing data after the JSON object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks the scheme and returns every problem found (up to 50),
// joined with errors.Join; each is an *Error naming the indicator and
// field. It checks codes (empty, duplicate), parents (unknown, cycles),
// kinds and their places in the tree, enums, weights (negative, or summing
// to zero within a parent, per category), AHP matrices (size, positive,
// reciprocal, consistency ratio below 0.1), caps, rating and grading
// policies, and finding rules.
func (s *Scheme) Validate() error {
	v := &validator{}
	v.scheme(s)
	if len(v.errs) == 0 {
		return nil
	}
	errs := make([]error, len(v.errs))
	for i, e := range v.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

type validator struct{ errs []*Error }

func (v *validator) add(path, code, field, format string, args ...any) {
	if len(v.errs) < maxErrors {
		v.errs = append(v.errs, &Error{Path: path, Indicator: code, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (v *validator) scheme(s *Scheme) {
	if len(s.Indicators) == 0 {
		v.add("indicators", "", "", "the scheme has no indicators")
		return
	}
	index := make(map[string]int, len(s.Indicators))
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		path := fmt.Sprintf("indicators[%d]", i)
		if strings.TrimSpace(ind.Code) == "" {
			v.add(path, "", "code", "must not be empty")
			continue
		}
		if j, dup := index[ind.Code]; dup {
			v.add(path, ind.Code, "code", "duplicate code (also indicators[%d])", j)
			continue
		}
		index[ind.Code] = i
	}
	parentOK := true
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		if ind.Parent == "" {
			continue
		}
		if _, ok := index[ind.Parent]; !ok {
			v.add(fmt.Sprintf("indicators[%d]", i), ind.Code, "parent", "unknown parent %q", ind.Parent)
			parentOK = false
		}
	}
	if !parentOK || len(v.errs) > 0 {
		return
	}
	if !v.cycles(s, index) {
		return
	}
	hasChildren := make([]bool, len(s.Indicators))
	for i := range s.Indicators {
		if p := s.Indicators[i].Parent; p != "" {
			hasChildren[index[p]] = true
		}
	}
	for i := range s.Indicators {
		v.indicator(s, i, index, hasChildren)
	}
	if len(v.errs) > 0 {
		return
	}
	t := compile(s)
	for i := range t.nodes {
		v.weights(s, t, i)
	}
	switch s.Composite {
	case "", CompositeTree, CompositeTOPSIS:
	default:
		v.add("composite", "", "composite", "unknown composite %q (want tree or topsis)", s.Composite)
	}
	if !finite(s.BonusCap) || s.BonusCap < 0 {
		v.add("bonus_cap", "", "bonus_cap", "must not be negative")
	}
	if !finite(s.DeductionCap) || s.DeductionCap < 0 {
		v.add("deduction_cap", "", "deduction_cap", "must not be negative")
	}
	if !(s.MinAvailable >= 0 && s.MinAvailable <= 1) {
		v.add("min_available", "", "min_available", "must be between 0 and 1")
	}
	v.rating(s)
	v.grading(s, t)
	v.rules(s, t)
}

// rules checks the finding rules: both codes given, one rule per
// category and severity, an indicator that is a bonus, deduction or veto
// item, and points that are a non-negative number.
func (v *validator) rules(s *Scheme, t *tree) {
	seen := map[[2]string]int{}
	for k, r := range s.FindingRules {
		path := fmt.Sprintf("finding_rules[%d]", k)
		if strings.TrimSpace(r.Category) == "" {
			v.add(path, "", "category", "must not be empty")
		}
		if strings.TrimSpace(r.Severity) == "" {
			v.add(path, "", "severity", "must not be empty")
		}
		key := [2]string{r.Category, r.Severity}
		if j, dup := seen[key]; dup && r.Category != "" && r.Severity != "" {
			v.add(path, "", "severity", "a second rule for category %q and severity %q (also finding_rules[%d])", r.Category, r.Severity, j)
		} else if !dup {
			seen[key] = k
		}
		node, ok := t.index[r.Indicator]
		switch {
		case r.Indicator == "":
			v.add(path, "", "indicator", "must not be empty")
		case !ok:
			v.add(path, "", "indicator", "unknown indicator %q", r.Indicator)
		default:
			if kind := t.nodes[node].kind; kind != KindBonus && kind != KindDeduction && kind != KindVeto {
				v.add(path, "", "indicator", "%q is a %s; a finding rule applies to a bonus, deduction or veto item", r.Indicator, kind)
			}
		}
		if !finite(r.Points) || r.Points < 0 {
			v.add(path, "", "points", "must be a non-negative number, got %g", r.Points)
		}
	}
}

// cycles reports every indicator whose parent chain loops.
func (v *validator) cycles(s *Scheme, index map[string]int) bool {
	state := make([]int8, len(s.Indicators)) // 0 unknown, 1 ok, 2 on a cycle
	ok := true
	for i := range s.Indicators {
		if state[i] != 0 {
			continue
		}
		var path []int
		seen := map[int]int{}
		j := i
		for {
			if state[j] != 0 {
				break
			}
			if at, dup := seen[j]; dup {
				cyc := path[at:]
				codes := make([]string, 0, len(cyc)+1)
				for _, k := range cyc {
					codes = append(codes, s.Indicators[k].Code)
					state[k] = 2
				}
				codes = append(codes, s.Indicators[j].Code)
				first := slices.Min(cyc)
				v.add(fmt.Sprintf("indicators[%d]", first), s.Indicators[first].Code, "parent",
					"cycle in the tree: %s", strings.Join(codes, " → "))
				ok = false
				break
			}
			seen[j] = len(path)
			path = append(path, j)
			p := s.Indicators[j].Parent
			if p == "" {
				break
			}
			j = index[p]
		}
		for _, k := range path {
			if state[k] == 0 {
				state[k] = 1
			}
		}
	}
	return ok
}

func (v *validator) indicator(s *Scheme, i int, index map[string]int, hasChildren []bool) {
	ind := &s.Indicators[i]
	path := fmt.Sprintf("indicators[%d]", i)
	code := ind.Code
	kind := kindOf(ind, hasChildren[i])
	switch kind {
	case KindDimension, KindQuantitative, KindQualitative, KindBonus, KindDeduction, KindVeto:
	default:
		v.add(path, code, "kind", "unknown kind %q (want dimension, quantitative, qualitative, bonus, deduction or veto)", ind.Kind)
		return
	}
	parentKind := KindDimension
	if ind.Parent != "" {
		p := index[ind.Parent]
		parentKind = kindOf(&s.Indicators[p], true)
	}
	switch kind {
	case KindDimension, KindQuantitative, KindQualitative, KindVeto:
		if parentKind != KindDimension {
			v.add(path, code, "parent", "a %s cannot be under %q, a %s", kind, ind.Parent, parentKind)
		}
	case KindBonus, KindDeduction:
		if parentKind != KindDimension && parentKind != kind {
			v.add(path, code, "parent", "a %s cannot be under %q, a %s", kind, ind.Parent, parentKind)
		}
	}
	if hasChildren[i] && (kind == KindQuantitative || kind == KindQualitative || kind == KindVeto) {
		v.add(path, code, "kind", "a %s cannot have children", kind)
	}
	if kind == KindDimension {
		scored := false
		for j := range s.Indicators {
			if s.Indicators[j].Parent == code && isScored(kindOf(&s.Indicators[j], hasChildren[j])) {
				scored = true
			}
		}
		if !scored {
			v.add(path, code, "kind", "a dimension needs at least one dimension, quantitative or qualitative child")
		}
	}
	switch ind.Direction {
	case "", Higher, Lower:
	default:
		v.add(path, code, "direction", "unknown direction %q (want higher or lower)", ind.Direction)
	}
	switch ind.Weighting {
	case "", WeightExpert, WeightEqual, WeightEntropy, WeightCRITIC, WeightAHP:
	default:
		v.add(path, code, "weighting", "unknown weighting %q (want expert, equal, entropy, critic or ahp)", ind.Weighting)
	}
	switch ind.Aggregation {
	case "", Arithmetic, Geometric:
	default:
		v.add(path, code, "aggregation", "unknown aggregation %q (want arithmetic or geometric)", ind.Aggregation)
	}
	if !finite(ind.Weight) || ind.Weight < 0 {
		v.add(path, code, "weight", "must not be negative, got %g", ind.Weight)
	}
	for _, cat := range sortedKeys(ind.Weights) {
		if w := ind.Weights[cat]; !finite(w) || w < 0 {
			v.add(path, code, "weights."+cat, "must not be negative, got %g", w)
		}
	}
	if !finite(ind.Cap) || ind.Cap < 0 {
		v.add(path, code, "cap", "must not be negative, got %g", ind.Cap)
	}
	if ind.Cap != 0 && kind != KindBonus && kind != KindDeduction {
		v.add(path, code, "cap", "only bonus and deduction items have a cap")
	}
	v.normalisation(path, code, ind.Normalise)
	switch ind.Missing {
	case "", MissingExclude, MissingZero, MissingMean, MissingMedian:
	default:
		v.add(path, code, "missing", "unknown missing-value policy %q (want exclude, zero, mean or median)", ind.Missing)
	}
	switch ind.Rating.Source {
	case "", FromScores:
		if len(ind.Rating.Share) > 0 {
			v.add(path, code, "rating.share", "a share needs source votes")
		}
	case FromVotes:
		if len(s.Rating.Grades) == 0 {
			v.add(path, code, "rating.source", "votes need rating.grades in the scheme")
		}
		for k, g := range ind.Rating.Share {
			if !slices.ContainsFunc(s.Rating.Grades, func(gp GradePoint) bool { return gp.Grade == g }) {
				v.add(path, code, fmt.Sprintf("rating.share[%d]", k), "unknown vote grade %q", g)
			}
		}
	default:
		v.add(path, code, "rating.source", "unknown rating source %q (want scores or votes)", ind.Rating.Source)
	}
}

func (v *validator) normalisation(path, code string, n Normalisation) {
	for _, p := range []*float64{n.Target, n.Low, n.High} {
		if p != nil && !finite(*p) {
			v.add(path, code, "normalise", "parameters must be finite numbers")
			return
		}
	}
	switch n.Method {
	case "", MinMax, ZScore, Rank:
	case Target:
		if n.Target == nil {
			v.add(path, code, "normalise.target", "method target needs a target value")
		}
	case Goalposts:
		if n.Low == nil || n.High == nil {
			v.add(path, code, "normalise", "method goalposts needs low and high")
		} else if !(*n.Low < *n.High) {
			v.add(path, code, "normalise.high", "must be greater than low (%g), got %g", *n.Low, *n.High)
		}
	default:
		v.add(path, code, "normalise.method", "unknown normalisation %q (want minmax, target, goalposts, zscore or rank)", n.Method)
	}
}

// weights checks the weights of the scored children of node i.
func (v *validator) weights(s *Scheme, t *tree, i int) {
	nd := &t.nodes[i]
	path, code := fmt.Sprintf("indicators[%d]", i), nd.code
	var ahp [][]float64
	if i == t.root {
		path, code, ahp = "", "", s.AHP
		switch s.Weighting {
		case "", WeightExpert, WeightEqual, WeightEntropy, WeightCRITIC, WeightAHP:
		default:
			v.add("weighting", "", "weighting", "unknown weighting %q (want expert, equal, entropy, critic or ahp)", s.Weighting)
		}
		switch s.Aggregation {
		case "", Arithmetic, Geometric:
		default:
			v.add("aggregation", "", "aggregation", "unknown aggregation %q (want arithmetic or geometric)", s.Aggregation)
		}
		if len(nd.scored) == 0 {
			v.add("indicators", "", "", "no top-level dimension or scored indicator")
			return
		}
	} else {
		ahp = nd.ind.AHP
	}
	if nd.kind != KindDimension {
		return
	}
	if nd.weighting != WeightAHP && len(ahp) > 0 {
		v.add(path, code, "ahp", "a matrix is given but weighting is %q, not ahp", nd.weighting)
	}
	switch nd.weighting {
	case WeightAHP:
		if f, msg := checkAHP(ahp, len(nd.scored)); msg != "" {
			if i == t.root {
				v.add(f, "", "", "%s", msg)
			} else {
				v.add(path, code, f, "%s", msg)
			}
		}
	case WeightExpert:
		cats := map[string]bool{}
		sum := 0.0
		for _, c := range nd.scored {
			sum += t.nodes[c].ind.Weight
			for cat := range t.nodes[c].ind.Weights {
				cats[cat] = true
			}
		}
		what := "the children of " + quoteOr(code, "the root")
		if !(sum > 0) {
			if len(nd.scored) == 1 {
				return // a single child gets weight 1 anyway
			}
			v.add(path, code, "weight", "the weights of %s sum to zero", what)
		}
		for _, cat := range sortedKeys(cats) {
			sum := 0.0
			for _, c := range nd.scored {
				sum += expertWeight(t.nodes[c].ind, cat)
			}
			if !(sum > 0) && len(nd.scored) > 1 {
				v.add(path, code, "weights."+cat, "the weights of %s sum to zero in category %q", what, cat)
			}
		}
	}
}

func quoteOr(code, alt string) string {
	if code == "" {
		return alt
	}
	return fmt.Sprintf("%q", code)
}

// expertWeight is the expert weight of an indicator in a category.
func expertWeight(ind *Indicator, cat string) float64 {
	if w, ok := ind.Weights[cat]; ok {
		return w
	}
	return ind.Weight
}

func (v *validator) rating(s *Scheme) {
	r := &s.Rating
	seen := map[string]bool{}
	sum := 0.0
	for k, g := range r.Groups {
		path := fmt.Sprintf("rating.groups[%d]", k)
		if g.Code == "" {
			v.add(path, "", "code", "must not be empty")
		} else if seen[g.Code] {
			v.add(path, "", "code", "duplicate rater group %q", g.Code)
		}
		seen[g.Code] = true
		if !finite(g.Weight) || g.Weight < 0 {
			v.add(path, "", "weight", "must not be negative, got %g", g.Weight)
		} else {
			sum += g.Weight
		}
	}
	if len(r.Groups) > 0 && !(sum > 0) {
		v.add("rating.groups", "", "weight", "the rater group weights sum to zero")
	}
	if r.MinGroupSize < 0 {
		v.add("rating.min_group_size", "", "min_group_size", "must not be negative")
	}
	grades := map[string]bool{}
	for k, g := range r.Grades {
		path := fmt.Sprintf("rating.grades[%d]", k)
		if g.Grade == "" {
			v.add(path, "", "grade", "must not be empty")
		} else if grades[g.Grade] {
			v.add(path, "", "grade", "duplicate vote grade %q", g.Grade)
		}
		grades[g.Grade] = true
		if !finite(g.Points) {
			v.add(path, "", "points", "must be a finite number")
		}
	}
}

func (v *validator) grading(s *Scheme, t *tree) {
	g := &s.Grading
	band := map[string]int{}
	for k, b := range g.Bands {
		path := fmt.Sprintf("grading.bands[%d]", k)
		if b.Grade == "" {
			v.add(path, "", "grade", "must not be empty")
		} else if _, dup := band[b.Grade]; dup {
			v.add(path, "", "grade", "duplicate grade %q", b.Grade)
		}
		band[b.Grade] = k
		if !finite(b.Min) {
			v.add(path, "", "min", "must be a finite number")
		} else if k > 0 && b.Min > g.Bands[k-1].Min {
			v.add(path, "", "min", "bands must be ordered best first: %g is above the previous band's %g", b.Min, g.Bands[k-1].Min)
		}
	}
	last := len(g.Bands) - 1
	quota := map[string]bool{}
	for k, q := range g.Quotas {
		path := fmt.Sprintf("grading.quotas[%d]", k)
		b, ok := band[q.Grade]
		switch {
		case !ok:
			v.add(path, "", "grade", "unknown grade %q", q.Grade)
		case b == last:
			v.add(path, "", "grade", "the lowest grade %q cannot have a quota", q.Grade)
		case quota[q.Grade]:
			v.add(path, "", "grade", "duplicate quota for %q", q.Grade)
		}
		quota[q.Grade] = true
		if !(q.Share > 0 && q.Share <= 1) {
			v.add(path, "", "share", "must be in (0, 1], got %g", q.Share)
		}
		switch q.Rounding {
		case "", Floor, Round, Ceil:
		default:
			v.add(path, "", "rounding", "unknown rounding %q (want floor, round or ceil)", q.Rounding)
		}
	}
	for k, b := range g.Blocks {
		path := fmt.Sprintf("grading.blocks[%d]", k)
		switch b.When {
		case BlockVeto, BlockSanction:
		case BlockFlag:
			if b.Flag == "" {
				v.add(path, "", "flag", "a flag rule needs a flag")
			}
		case BlockAbove:
			j, ok := t.index[b.Indicator]
			if !ok || t.leafOf[j] < 0 {
				v.add(path, "", "indicator", "%q is not a quantitative or qualitative indicator", b.Indicator)
			}
			if !finite(b.Above) {
				v.add(path, "", "above", "must be a finite number")
			}
		default:
			v.add(path, "", "when", "unknown condition %q (want veto, sanction, flag or above)", b.When)
		}
		if len(g.Bands) == 0 {
			v.add(path, "", "", "blocking rules need grading bands")
		}
		for m, gr := range b.Grades {
			bi, ok := band[gr]
			switch {
			case !ok:
				v.add(path, "", fmt.Sprintf("grades[%d]", m), "unknown grade %q", gr)
			case bi == last:
				v.add(path, "", fmt.Sprintf("grades[%d]", m), "the lowest grade %q cannot be barred", gr)
			}
		}
	}
	if len(g.Quotas) > 0 && len(g.Bands) == 0 {
		v.add("grading.quotas", "", "", "quotas need grading bands")
	}
}
