package score

import "math"

// Explain returns the explanation of the entity in row i: one item per
// leaf (its contribution to the base total) followed by the entity's
// bonus, deduction, finding, veto and cap lines. The contributions add up
// to Result.Total within 1e-9.
//
// Decomposition: the base total is split down the tree. Under an
// arithmetic node each child gets its share w·x/Σ w·x of the node's amount,
// so that a leaf's contribution is its effective weight × its normalised
// score. Under a geometric node each child gets the log-share
// w·ln x/Σ w·ln x (x floored at GeometricFloor), which also sums exactly.
// Under TOPSIS each leaf gets base × e·x/Σ e·x (proportional attribution,
// e the effective weight). Excluded (missing) leaves contribute 0.
func (o *Output) Explain(i int) Explanation {
	res := &o.Entities[i]
	ex := Explanation{Entity: res.ID, Total: res.Total}
	eff := o.entityWeights(i)
	for l, code := range o.Leaves {
		ex.Items = append(ex.Items, Item{
			Indicator:    code,
			Kind:         "leaf",
			Raw:          Num(o.Raw.At(i, l)),
			Normalised:   Num(o.Normalised.At(i, l)),
			Weight:       Num(eff[l]),
			Contribution: o.Contributions.At(i, l),
		})
	}
	for _, ln := range o.linesOf(i) {
		ex.Items = append(ex.Items, Item{Indicator: ln.Indicator, Kind: string(ln.Kind), Finding: ln.Finding,
			Status: ln.Status, Note: ln.Note, Points: ln.Points, Cap: ln.Cap, Contribution: ln.Effect,
			Raw: Num(math.NaN()), Normalised: Num(math.NaN()), Weight: Num(math.NaN())})
	}
	return ex
}

// linesOf returns the lines of row i (Lines is sorted by row).
func (o *Output) linesOf(i int) []Line {
	lo, hi := 0, len(o.Lines)
	for lo < hi {
		m := (lo + hi) / 2
		if o.Lines[m].Row < i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	end := lo
	for end < len(o.Lines) && o.Lines[end].Row == i {
		end++
	}
	return o.Lines[lo:end]
}

// entityWeights returns, per leaf, the entity's effective weight: the
// product down the tree of the group's local weights, each re-normalised
// over the siblings that have a score for this entity (0 for a leaf
// without data).
func (o *Output) entityWeights(i int) []float64 {
	out := make([]float64, len(o.Leaves))
	var gw *GroupWeights
	for k := range o.Weights {
		if o.Weights[k].Group == o.Entities[i].Group {
			gw = &o.Weights[k]
		}
	}
	if gw == nil || len(o.Parents) != len(o.Nodes) || len(o.Kinds) != len(o.Nodes) {
		for l := range out {
			out[l] = math.NaN()
		}
		return out
	}
	pos := make(map[string]int, len(o.Nodes))
	for k, c := range o.Nodes {
		pos[c] = k
	}
	// den[p] is the sum of local weights of p's scored children with a
	// score; the root is keyed by "".
	den := map[string]float64{}
	for k := range o.Nodes {
		if isScored(o.Kinds[k]) && !isNaN(o.Scores.At(i, k)) {
			den[o.Parents[k]] += gw.Local[k]
		}
	}
	for l, c := range o.Leaves {
		w := 1.0
		for k := pos[c]; ; {
			if isNaN(o.Scores.At(i, k)) || !(den[o.Parents[k]] > 0) {
				w = 0
				break
			}
			w *= gw.Local[k] / den[o.Parents[k]]
			if o.Parents[k] == "" {
				break
			}
			k = pos[o.Parents[k]]
		}
		out[l] = w
	}
	return out
}
