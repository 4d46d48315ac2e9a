package scheme

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"kaohe/internal/score"
)

// Diff is what changed between two versions of a scheme.
type Diff struct {
	// From and To are the version numbers (0 when documents are compared
	// directly).
	From, To int
	Added    []Ref
	Removed  []Ref
	Renamed  []Rename
	// Weights lists, per indicator present in both and per category
	// (DefaultCategory first), the expert and effective weights that
	// changed.
	Weights []WeightChange
	// Methods lists changed settings: of an indicator (Code set) or of
	// the scheme (Code "").
	Methods []Change
	// Rules lists the finding rules added, removed or changed, by
	// category and severity.
	Rules []RuleChange
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.Added)+len(d.Removed)+len(d.Renamed)+len(d.Weights)+len(d.Methods)+len(d.Rules) == 0
}

// RuleChange is a finding rule of one category and severity that was
// added (Old nil), removed (New nil) or changed (both set).
type RuleChange struct {
	Category, Severity string
	Old, New           *RuleRef
}

// RuleRef is what a rule gives a finding: points on an indicator, or a
// veto (Kind veto, Points 0).
type RuleRef struct {
	Indicator, Name string
	Kind            score.Kind
	Points          float64
}

// ruleChanges compares the finding rules of two documents.
func ruleChanges(old, cur *score.Scheme) []RuleChange {
	refs := func(s *score.Scheme) map[[2]string]*RuleRef {
		parents := parentSet(s)
		idx := indexOf(s)
		out := map[[2]string]*RuleRef{}
		for _, r := range s.FindingRules {
			ref := &RuleRef{Indicator: r.Indicator, Name: r.Indicator, Points: r.Points}
			if i, ok := idx[r.Indicator]; ok {
				ind := &s.Indicators[i]
				ref.Kind = kindOf(ind, parents[ind.Code])
				if ind.Name != "" {
					ref.Name = ind.Name
				}
			}
			if ref.Kind == score.KindVeto {
				ref.Points = 0
			}
			out[[2]string{r.Category, r.Severity}] = ref
		}
		return out
	}
	o, n := refs(old), refs(cur)
	var keys []score.FindingRule
	for k := range o {
		keys = append(keys, score.FindingRule{Category: k[0], Severity: k[1]})
	}
	for k := range n {
		if _, ok := o[k]; !ok {
			keys = append(keys, score.FindingRule{Category: k[0], Severity: k[1]})
		}
	}
	slices.SortFunc(keys, compareRules)
	var out []RuleChange
	for _, k := range keys {
		key := [2]string{k.Category, k.Severity}
		a, b := o[key], n[key]
		if a != nil && b != nil && a.Indicator == b.Indicator && a.Kind == b.Kind && !differ(a.Points, b.Points) {
			continue
		}
		out = append(out, RuleChange{Category: k.Category, Severity: k.Severity, Old: a, New: b})
	}
	return out
}

// Ref names an indicator.
type Ref struct {
	Code, Name, Parent string
	Kind               score.Kind
}

// Rename is an indicator whose name changed.
type Rename struct{ Code, Old, New string }

// WeightChange is a weight that changed in one category. Effective
// weights are fractions, NaN when they depend on the data.
type WeightChange struct {
	Code, Name, Category       string
	Old, New                   float64
	OldEffective, NewEffective float64
}

// Change is a setting that changed, its values as JSON.
type Change struct{ Code, Field, Old, New string }

// DiffDocs compares two valid documents. categories are the categories
// whose weights are compared besides the default ones.
func DiffDocs(old, cur *score.Scheme, categories []string) (*Diff, error) {
	ow, err := EffectiveWeights(old, categories)
	if err != nil {
		return nil, err
	}
	nw, err := EffectiveWeights(cur, categories)
	if err != nil {
		return nil, err
	}
	d := &Diff{}
	oi, ni := indexOf(old), indexOf(cur)
	op, np := parentSet(old), parentSet(cur)
	for i := range cur.Indicators {
		ind := &cur.Indicators[i]
		if _, ok := oi[ind.Code]; !ok {
			d.Added = append(d.Added, Ref{Code: ind.Code, Name: ind.Name, Parent: ind.Parent, Kind: kindOf(ind, np[ind.Code])})
		}
	}
	for i := range old.Indicators {
		ind := &old.Indicators[i]
		j, ok := ni[ind.Code]
		if !ok {
			d.Removed = append(d.Removed, Ref{Code: ind.Code, Name: ind.Name, Parent: ind.Parent, Kind: kindOf(ind, op[ind.Code])})
			continue
		}
		nind := &cur.Indicators[j]
		if ind.Name != nind.Name {
			d.Renamed = append(d.Renamed, Rename{Code: ind.Code, Old: ind.Name, New: nind.Name})
		}
		for _, cat := range append([]string{DefaultCategory}, categories...) {
			wc := WeightChange{Code: ind.Code, Name: nind.Name, Category: cat,
				Old: expertWeight(ind, cat), New: expertWeight(nind, cat),
				OldEffective: ow.Effective[cat][i], NewEffective: nw.Effective[cat][j]}
			if !scored(kindOf(ind, op[ind.Code])) && !scored(kindOf(nind, np[nind.Code])) {
				continue
			}
			if differ(wc.Old, wc.New) || differ(wc.OldEffective, wc.NewEffective) {
				d.Weights = append(d.Weights, wc)
			}
		}
		d.Methods = append(d.Methods, indicatorChanges(ind, nind, op[ind.Code], np[nind.Code])...)
	}
	d.Methods = append(d.Methods, schemeChanges(old, cur)...)
	d.Rules = ruleChanges(old, cur)
	return d, nil
}

func indexOf(s *score.Scheme) map[string]int {
	m := make(map[string]int, len(s.Indicators))
	for i := range s.Indicators {
		m[s.Indicators[i].Code] = i
	}
	return m
}

// differ compares weights, NaN equal to NaN.
func differ(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) != math.IsNaN(b)
	}
	return math.Abs(a-b) > 1e-9
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

func change(out *[]Change, code, field string, old, cur any) {
	o, n := js(old), js(cur)
	if o != n {
		*out = append(*out, Change{Code: code, Field: field, Old: o, New: n})
	}
}

func indicatorChanges(o, n *score.Indicator, oc, nc bool) []Change {
	var out []Change
	c := o.Code
	change(&out, c, "parent", o.Parent, n.Parent)
	change(&out, c, "kind", kindOf(o, oc), kindOf(n, nc))
	change(&out, c, "unit", o.Unit, n.Unit)
	change(&out, c, "direction", orDefault(o.Direction, score.Higher), orDefault(n.Direction, score.Higher))
	change(&out, c, "key", o.Key, n.Key)
	change(&out, c, "leading", o.Leading, n.Leading)
	if oc || nc {
		change(&out, c, "weighting", orDefault(o.Weighting, score.WeightExpert), orDefault(n.Weighting, score.WeightExpert))
		change(&out, c, "aggregation", orDefault(o.Aggregation, score.Arithmetic), orDefault(n.Aggregation, score.Arithmetic))
		change(&out, c, "ahp", o.AHP, n.AHP)
	}
	change(&out, c, "normalise", o.Normalise, n.Normalise)
	change(&out, c, "winsorise", o.Winsorise, n.Winsorise)
	change(&out, c, "missing", orDefault(o.Missing, score.MissingExclude), orDefault(n.Missing, score.MissingExclude))
	change(&out, c, "cap", o.Cap, n.Cap)
	change(&out, c, "rating", o.Rating, n.Rating)
	return out
}

func schemeChanges(o, n *score.Scheme) []Change {
	var out []Change
	change(&out, "", "weighting", orDefault(o.Weighting, score.WeightExpert), orDefault(n.Weighting, score.WeightExpert))
	change(&out, "", "ahp", o.AHP, n.AHP)
	change(&out, "", "aggregation", orDefault(o.Aggregation, score.Arithmetic), orDefault(n.Aggregation, score.Arithmetic))
	change(&out, "", "composite", orDefault(o.Composite, score.CompositeTree), orDefault(n.Composite, score.CompositeTree))
	change(&out, "", "bonus_cap", o.BonusCap, n.BonusCap)
	change(&out, "", "deduction_cap", o.DeductionCap, n.DeductionCap)
	change(&out, "", "min_available", o.MinAvailable, n.MinAvailable)
	change(&out, "", "rating", o.Rating, n.Rating)
	change(&out, "", "grading", o.Grading, n.Grading)
	return out
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// Percent formats a fraction as a percentage with up to two decimals,
// "—" for NaN.
func Percent(f float64) string {
	if math.IsNaN(f) {
		return "—"
	}
	return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
}
