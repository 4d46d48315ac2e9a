package scheme

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// WeightTotal is what the expert weights of a parent's scored children add
// up to in every category: weights are percentages.
const WeightTotal = 100

// weightTolerance is how far a sum of weights may be from WeightTotal.
const weightTolerance = 0.01

// DefaultCategory names the weights that apply to a category without
// overrides, in Weights tables and diffs.
const DefaultCategory = ""

// clone deep-copies a scheme document through JSON.
func clone(s *score.Scheme) *score.Scheme {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("scheme: marshal document: %v", err))
	}
	var out score.Scheme
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("scheme: unmarshal document: %v", err))
	}
	return &out
}

// Canonicalise puts a document in canonical form in place: a per-category
// weight equal to the indicator's own weight is dropped (it changes
// nothing), empty maps become nil, nodes with children get an explicit
// kind, and finding rules are sorted by category and severity, a veto
// rule's points dropped. The same scheme then always encodes to the same
// bytes.
func Canonicalise(s *score.Scheme) {
	parents := parentSet(s)
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		for cat, w := range ind.Weights {
			if w == ind.Weight {
				delete(ind.Weights, cat)
			}
		}
		if len(ind.Weights) == 0 {
			ind.Weights = nil
		}
		if ind.Kind == "" && parents[ind.Code] {
			ind.Kind = score.KindDimension
		}
		if len(ind.AHP) == 0 {
			ind.AHP = nil
		}
		if len(ind.Rating.Share) == 0 {
			ind.Rating.Share = nil
		}
	}
	if len(s.AHP) == 0 {
		s.AHP = nil
	}
	canonicalRules(s)
}

// Canonical returns the canonical JSON of a document (see Canonicalise),
// leaving s unchanged.
func Canonical(s *score.Scheme) ([]byte, error) {
	c := clone(s)
	Canonicalise(c)
	return json.Marshal(c)
}

func parentSet(s *score.Scheme) map[string]bool {
	p := map[string]bool{}
	for _, ind := range s.Indicators {
		if ind.Parent != "" {
			p[ind.Parent] = true
		}
	}
	return p
}

// isLeaf reports whether the node at i is placed from the library: a node
// without children.
func isLeaf(parents map[string]bool, ind *score.Indicator) bool { return !parents[ind.Code] }

// scored reports whether a node of kind k takes part in weighting.
func scored(k score.Kind) bool {
	return k == score.KindDimension || k == score.KindQuantitative || k == score.KindQualitative
}

// kindOf is the node's kind with the engine's defaults.
func kindOf(ind *score.Indicator, hasChildren bool) score.Kind {
	if ind.Kind != "" {
		return ind.Kind
	}
	if hasChildren {
		return score.KindDimension
	}
	return score.KindQuantitative
}

// validate runs the engine's validation after checking that every AHP
// matrix is square: the engine computes AHP weights of a matrix before it
// checks the matrix's shape, and a ragged one (e.g. [[]]) would panic.
func validate(s *score.Scheme) error {
	check := func(code, path string, m [][]float64) error {
		for i := range m {
			if len(m[i]) != len(m) {
				return &score.Error{Path: path, Indicator: code, Field: "ahp",
					Msg: fmt.Sprintf("row %d has %d entries; the matrix must be square (%d × %d)", i+1, len(m[i]), len(m), len(m))}
			}
		}
		return nil
	}
	if err := check("", "ahp", s.AHP); err != nil {
		return err
	}
	for i := range s.Indicators {
		if err := check(s.Indicators[i].Code, fmt.Sprintf("indicators[%d]", i), s.Indicators[i].AHP); err != nil {
			return err
		}
	}
	return s.Validate()
}

// checkDocument validates a document with the engine and returns its
// problems as coded errors; the finding rules are checked here
// (ruleErrors), in the user's language and against the platform's
// categories and severities, and the engine's messages about them, the
// same problems in English, are left out.
func checkDocument(s *score.Scheme) errs.List {
	rules := ruleErrors(s)
	var l errs.List
	if err := validate(s); err != nil {
		documentError(err, &l, len(rules) > 0)
	}
	return append(l, rules...)
}

// documentError converts a validation error of the engine into coded
// errors naming the indicator and field; with skipRules, those about the
// finding rules are left out.
func documentError(err error, l *errs.List, skipRules bool) {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var se *score.Error
		ce := errs.New(errs.Invalid, "scheme.document_invalid", e.Error())
		ce.Args = map[string]any{"detail": e.Error()}
		if errors.As(e, &se) {
			if skipRules && strings.HasPrefix(se.Path, "finding_rules[") {
				continue
			}
			ce.Field = se.Field
			ce.Args["indicator"] = se.Indicator
			ce.Args["path"] = se.Path
		}
		l.Add(ce)
	}
}

// indicatorError is an Invalid error about indicator code's field.
func indicatorError(code, field, key, format string, args ...any) *errs.Error {
	msg := fmt.Sprintf(format, args...)
	e := errs.New(errs.Invalid, key, fmt.Sprintf("indicator %q: %s: %s", code, field, msg))
	e.Field = field
	e.Args = map[string]any{"indicator": code, "detail": msg}
	return e
}

// Compose prepares a document for storing as a version of a scheme: it
// copies each leaf's name, unit, direction, kind and marks from the
// library (a leaf missing from the library is an error), checks per-category
// weights against the scheme's categories, runs the engine's validation and
// checks that the expert weights of every parent's scored children sum to
// 100 in every category. It canonicalises s in place. All problems are
// returned together as an errs.List.
func Compose(s *score.Scheme, lib map[string]*Indicator, categories []string) error {
	var l errs.List
	parents := parentSet(s)
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		if isLeaf(parents, ind) {
			def, ok := lib[ind.Code]
			if !ok {
				l.Add(indicatorError(ind.Code, "code", "scheme.leaf_not_in_library", "not in the indicator library"))
				continue
			}
			ind.Name, ind.Unit, ind.Direction, ind.Kind = def.Name, def.Unit, def.Direction, def.Kind
			ind.Key, ind.Leading = def.Key, def.Leading
		} else if _, ok := lib[ind.Code]; ok && (ind.Kind == "" || ind.Kind == score.KindDimension) {
			l.Add(indicatorError(ind.Code, "code", "scheme.dimension_is_library",
				"is a library indicator, so it cannot have children; give the dimension its own code"))
		}
		for _, cat := range sortedKeys(ind.Weights) {
			if !slices.Contains(categories, cat) {
				l.Add(indicatorError(ind.Code, "weights."+cat, "scheme.weight_category_unknown",
					"category %q is not one the scheme applies to (%s)", cat, strings.Join(categories, ", ")))
			}
		}
	}
	Canonicalise(s)
	if bad := checkDocument(s); len(bad) > 0 {
		return append(l, bad...)
	}
	checkSums(s, categories, &l)
	return l.Err()
}

// checkSums checks that the expert weights of each expert-weighted
// parent's scored children sum to WeightTotal, for the default weights and
// in every category.
func checkSums(s *score.Scheme, categories []string, l *errs.List) {
	parents := parentSet(s)
	children := map[string][]*score.Indicator{}
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		if scored(kindOf(ind, parents[ind.Code])) {
			children[ind.Parent] = append(children[ind.Parent], ind)
		}
	}
	check := func(code, name string, w score.Weighting, kids []*score.Indicator) {
		if (w != "" && w != score.WeightExpert) || len(kids) == 0 {
			return
		}
		for _, cat := range append([]string{DefaultCategory}, categories...) {
			sum := 0.0
			for _, k := range kids {
				sum += expertWeight(k, cat)
			}
			if math.Abs(sum-WeightTotal) <= weightTolerance {
				continue
			}
			what := "the top-level dimensions"
			if code != "" {
				what = fmt.Sprintf("the children of %s (%s)", name, code)
			}
			in := ""
			if cat != DefaultCategory {
				in = fmt.Sprintf(" in category %q", cat)
			}
			field := "weight"
			if cat != DefaultCategory {
				field = "weights." + cat
			}
			e := errs.New(errs.Invalid, "scheme.weights_sum",
				fmt.Sprintf("the weights of %s sum to %s%s, want %d", what, fmtNum(sum), in, WeightTotal))
			e.Field = field
			e.Args = map[string]any{"parent": code, "name": name, "sum": fmtNum(sum), "category": cat}
			l.Add(e)
		}
	}
	check("", "", s.Weighting, children[""])
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		if kids := children[ind.Code]; len(kids) > 0 {
			check(ind.Code, ind.Name, ind.Weighting, kids)
		}
	}
}

// expertWeight is an indicator's expert weight in a category.
func expertWeight(ind *score.Indicator, cat string) float64 {
	if w, ok := ind.Weights[cat]; ok && cat != DefaultCategory {
		return w
	}
	return ind.Weight
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// Node is one row of a scheme's indicator tree with its weights: the
// editor's view.
type Node struct {
	Code, Name, Parent string
	// Depth is 0 for top-level nodes.
	Depth     int
	Kind      score.Kind
	Weighting score.Weighting
	Unit      string
	Key       bool
	Leading   bool
	// Scored is true for nodes that take part in weighting.
	Scored bool
	// Weight is the expert weight per category (DefaultCategory and each
	// category of the scheme).
	Weight map[string]float64
	// Local and Effective are the normalised weights per category as
	// fractions: within the parent, and the product down the tree. NaN
	// where the weights depend on the data (entropy, CRITIC).
	Local, Effective map[string]float64
	// Children counts the node's scored children.
	Children int
}

// Tree returns the nodes of a valid document depth first, in document
// order among siblings, with their expert, local and effective weights per
// category.
func Tree(s *score.Scheme, categories []string) ([]Node, error) {
	eff, err := EffectiveWeights(s, categories)
	if err != nil {
		return nil, err
	}
	parents := parentSet(s)
	kids := map[string][]int{}
	for i := range s.Indicators {
		kids[s.Indicators[i].Parent] = append(kids[s.Indicators[i].Parent], i)
	}
	cats := append([]string{DefaultCategory}, categories...)
	var out []Node
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, i := range kids[parent] {
			ind := &s.Indicators[i]
			k := kindOf(ind, parents[ind.Code])
			n := Node{Code: ind.Code, Name: ind.Name, Parent: ind.Parent, Depth: depth, Kind: k, Weighting: ind.Weighting,
				Unit: ind.Unit, Key: ind.Key, Leading: ind.Leading, Scored: scored(k),
				Weight: map[string]float64{}, Local: map[string]float64{}, Effective: map[string]float64{}}
			if n.Weighting == "" && k == score.KindDimension {
				n.Weighting = score.WeightExpert
			}
			for _, c := range kids[ind.Code] {
				if scored(kindOf(&s.Indicators[c], parents[s.Indicators[c].Code])) {
					n.Children++
				}
			}
			for _, cat := range cats {
				n.Weight[cat] = expertWeight(ind, cat)
				n.Local[cat] = eff.Local[cat][i]
				n.Effective[cat] = eff.Effective[cat][i]
			}
			out = append(out, n)
			walk(ind.Code, depth+1)
		}
	}
	walk("", 0)
	return out, nil
}

// Weights are the local and effective weights of every node of a
// document (in document order) per category, as fractions.
type Weights struct {
	Local, Effective map[string][]float64
}

// syntheticGroup is the comparison group that stands for "no category"
// when the engine computes weights; category codes never contain '*'.
const syntheticGroup = "*"

// EffectiveWeights computes the weights of a valid document with the
// engine itself, per category (and DefaultCategory): expert, equal and AHP
// weights depend only on the scheme. Weights of nodes under an entropy or
// CRITIC node depend on the data and are NaN.
func EffectiveWeights(s *score.Scheme, categories []string) (*Weights, error) {
	if err := validate(s); err != nil {
		return nil, err
	}
	doc := clone(s)
	doc.Grading = score.Grading{}
	doc.MinAvailable = 0
	doc.Composite = ""
	groups := append([]string{syntheticGroup}, categories...)
	ents := make([]score.Entity, len(groups))
	for i, g := range groups {
		ents[i] = score.Entity{ID: "e" + strconv.Itoa(i), Group: g}
	}
	in, err := score.NewInput(doc, ents)
	if err != nil {
		return nil, err
	}
	out, err := score.Compute(in)
	if err != nil {
		return nil, err
	}
	w := &Weights{Local: map[string][]float64{}, Effective: map[string][]float64{}}
	for _, gw := range out.Weights {
		cat := gw.Group
		if cat == syntheticGroup {
			cat = DefaultCategory
		}
		w.Local[cat], w.Effective[cat] = slices.Clone(gw.Local), slices.Clone(gw.Effective)
	}
	// Mark what depends on the data.
	parents := parentSet(doc)
	index := map[string]int{}
	for i := range doc.Indicators {
		index[doc.Indicators[i].Code] = i
	}
	dataDriven := func(wt score.Weighting) bool { return wt == score.WeightEntropy || wt == score.WeightCRITIC }
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		driven := false
		for p, up := ind.Parent, true; up; {
			var wt score.Weighting
			if p == "" {
				wt, up = doc.Weighting, false
			} else {
				wt = doc.Indicators[index[p]].Weighting
				p = doc.Indicators[index[p]].Parent
			}
			driven = driven || dataDriven(wt)
		}
		if !scored(kindOf(ind, parents[ind.Code])) {
			continue
		}
		if driven {
			for cat := range w.Local {
				w.Effective[cat][i] = math.NaN()
				if dataDriven(parentWeighting(doc, index, ind.Parent)) {
					w.Local[cat][i] = math.NaN()
				}
			}
		}
	}
	return w, nil
}

func parentWeighting(s *score.Scheme, index map[string]int, parent string) score.Weighting {
	if parent == "" {
		return s.Weighting
	}
	return s.Indicators[index[parent]].Weighting
}
