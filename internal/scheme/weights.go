package scheme

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// WeightSetting is one expert weight to set in a draft: the weight, in
// percent, of indicator Indicator among its parent's scored children in
// Category (DefaultCategory for the default weights, which apply to every
// category without a weight of its own).
type WeightSetting struct {
	Indicator string
	Category  string
	Weight    float64
}

// SetWeights sets expert weights of draft version id; the other weights
// stay. Each setting must name a scored node of the version (a dimension,
// quantitative or qualitative indicator) and the default weights or a
// category of the scheme, and give a finite weight of at least 0; after the
// change the children of every expert-weighted parent must sum to 100 in
// every category. All problems are returned together and nothing is
// written while there is one. Only a draft that no cycle uses may change;
// the actor needs ActSchemeWrite on the scheme. Settings that change
// nothing write and record nothing.
func (s *Service) SetWeights(ctx context.Context, a *auth.Actor, id int64, ws []WeightSetting) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, sc, err := s.authorizeDraft(ctx, tx, a, id)
		if err != nil {
			return err
		}
		doc := clone(old.Doc)
		if err := applyWeights(doc, sc.Categories, ws); err != nil {
			return err
		}
		changed := make([]map[string]any, len(ws))
		for i, w := range ws {
			changed[i] = map[string]any{"indicator": w.Indicator, "category": w.Category, "weight": w.Weight}
		}
		out, err = s.storeDraft(ctx, tx, a, old, sc, draftOf(old, doc), "scheme.version.weights",
			map[string]any{"weights": changed}, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// draftOf is the draft that keeps v's reason and effective cycle with doc.
func draftOf(v *Version, doc *score.Scheme) Draft {
	return Draft{Doc: doc, Reason: v.Reason, EffectiveCycle: v.EffectiveCycle, EffectiveFrom: v.EffectiveFrom}
}

// applyWeights checks the settings against doc and the scheme's
// categories and sets them in doc.
func applyWeights(doc *score.Scheme, categories []string, ws []WeightSetting) error {
	if len(ws) == 0 {
		return errs.Field("weights", "scheme.weights_required", "no weights to set")
	}
	parents := parentSet(doc)
	index := map[string]int{}
	for i := range doc.Indicators {
		index[doc.Indicators[i].Code] = i
	}
	var l errs.List
	seen := map[[2]string]bool{}
	for k, w := range ws {
		field := func(name string) string { return fmt.Sprintf("weights[%d].%s", k, name) }
		i, ok := index[w.Indicator]
		if !ok {
			e := errs.New(errs.Invalid, "scheme.weight_indicator_unknown", fmt.Sprintf("the version has no indicator %q", w.Indicator))
			e.Field, e.Args = field("indicator"), map[string]any{"indicator": w.Indicator}
			l.Add(e)
			continue
		}
		ind := &doc.Indicators[i]
		if !scored(kindOf(ind, parents[ind.Code])) {
			e := errs.New(errs.Invalid, "scheme.weight_not_scored", fmt.Sprintf("indicator %q is not weighted", w.Indicator))
			e.Field, e.Args = field("indicator"), map[string]any{"indicator": w.Indicator}
			l.Add(e)
			continue
		}
		if w.Category != DefaultCategory && !slices.Contains(categories, w.Category) {
			l.Add(indicatorError(w.Indicator, field("category"), "scheme.weight_category_unknown",
				"category %q is not one the scheme applies to", w.Category))
			continue
		}
		if key := [2]string{w.Indicator, w.Category}; seen[key] {
			e := errs.New(errs.Invalid, "scheme.weight_duplicate",
				fmt.Sprintf("the weight of %s in category %q is given twice", w.Indicator, w.Category))
			e.Field, e.Args = field("indicator"), map[string]any{"indicator": w.Indicator, "category": w.Category}
			l.Add(e)
			continue
		}
		seen[[2]string{w.Indicator, w.Category}] = true
		if !(w.Weight >= 0) || math.IsInf(w.Weight, 0) {
			value := strconv.FormatFloat(w.Weight, 'f', -1, 64)
			e := errs.New(errs.Invalid, "scheme.weight_invalid",
				fmt.Sprintf("weight of %s: %s is not a non-negative number", w.Indicator, value))
			e.Field, e.Args = field("weight"), map[string]any{"indicator": w.Indicator, "value": value}
			l.Add(e)
			continue
		}
		if w.Category == DefaultCategory {
			ind.Weight = w.Weight
			continue
		}
		if ind.Weights == nil {
			ind.Weights = map[string]float64{}
		}
		ind.Weights[w.Category] = w.Weight
	}
	return l.Err()
}

// SetAHP sets the pairwise comparison matrix (判断矩阵) of the scored
// children of node in draft version id — node "" for the top-level
// dimensions — and switches node to AHP weighting. m is the full n × n
// positive reciprocal matrix, one row and column per scored child in
// document order (m[i][j]: how much more important child i is than child
// j), and must pass Saaty's consistency check (CR < 0.1). Only a draft
// that no cycle uses may change; the actor needs ActSchemeWrite on the
// scheme. A matrix that changes nothing writes and records nothing.
func (s *Service) SetAHP(ctx context.Context, a *auth.Actor, id int64, node string, m [][]float64) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, sc, err := s.authorizeDraft(ctx, tx, a, id)
		if err != nil {
			return err
		}
		doc := clone(old.Doc)
		cr, err := applyAHP(doc, node, m)
		if err != nil {
			return err
		}
		out, err = s.storeDraft(ctx, tx, a, old, sc, draftOf(old, doc), "scheme.version.ahp",
			map[string]any{"node": node, "matrix": m, "cr": cr}, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AHPChildren returns the codes of the scored children of node ("" for
// the top level) in document order, the rows of its AHP matrix, and
// whether node exists ("" always does).
func AHPChildren(doc *score.Scheme, node string) (kids []string, ok bool) {
	parents := parentSet(doc)
	ok = node == ""
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		if ind.Code == node && node != "" {
			ok = parents[ind.Code] && kindOf(ind, true) == score.KindDimension
		}
		if ind.Parent == node && scored(kindOf(ind, parents[ind.Code])) {
			kids = append(kids, ind.Code)
		}
	}
	return kids, ok
}

// applyAHP checks m for node's children and sets it in doc; it returns
// the consistency ratio.
func applyAHP(doc *score.Scheme, node string, m [][]float64) (float64, error) {
	kids, ok := AHPChildren(doc, node)
	if !ok || len(kids) < 2 || len(kids) > len(score.RandomIndex) {
		e := errs.New(errs.Invalid, "scheme.ahp.node_invalid",
			fmt.Sprintf("node %q is not a dimension of the version with 2 to %d scored children", node, len(score.RandomIndex)))
		e.Field, e.Args = "node", map[string]any{"node": node, "max": len(score.RandomIndex)}
		return 0, e
	}
	n := len(kids)
	square := len(m) == n
	for _, row := range m {
		square = square && len(row) == n
	}
	if !square {
		e := errs.New(errs.Invalid, "scheme.ahp.size_invalid",
			fmt.Sprintf("the matrix must be %d × %d, one row and column per child (%v)", n, n, kids))
		e.Field, e.Args = "matrix", map[string]any{"n": n}
		return 0, e
	}
	r, err := score.AHP(m)
	if err != nil {
		e := errs.New(errs.Invalid, "scheme.ahp.matrix_invalid", "the matrix: "+err.Error())
		e.Field, e.Args = "matrix", map[string]any{"detail": err.Error()}
		return 0, e
	}
	if !r.Consistent {
		cr := strconv.FormatFloat(r.CR, 'f', 3, 64)
		e := errs.New(errs.Invalid, "scheme.ahp.inconsistent",
			fmt.Sprintf("the matrix is inconsistent: CR = %s, must be below %g", cr, score.MaxCR))
		e.Field, e.Args = "matrix", map[string]any{"cr": cr, "max": score.MaxCR}
		return 0, e
	}
	c := make([][]float64, n)
	for i := range m {
		c[i] = slices.Clone(m[i])
	}
	if node == "" {
		doc.Weighting, doc.AHP = score.WeightAHP, c
	} else {
		for i := range doc.Indicators {
			if doc.Indicators[i].Code == node {
				doc.Indicators[i].Weighting, doc.Indicators[i].AHP = score.WeightAHP, c
			}
		}
	}
	return r.CR, nil
}
