package score

import (
	"math"
	"slices"
)

// Per-row flag bits computed by the engine.
const (
	fVeto uint16 = 1 << iota
	fSanction
	fInsufficient
	fImputed
	fExcluded
	fWinsorised
	fRaterExcluded
	fBarred
	fQuota
	fNoGrade
)

var flagNames = []struct {
	bit  uint16
	name string
}{
	{fVeto, FlagVeto}, {fSanction, FlagSanction}, {fInsufficient, FlagInsufficientData},
	{fImputed, FlagImputed}, {fExcluded, FlagExcluded}, {fWinsorised, FlagWinsorised},
	{fRaterExcluded, FlagRaterGroupExcluded}, {fBarred, FlagBarred}, {fQuota, FlagQuota},
	{fNoGrade, FlagNoGrade},
}

// group is one comparison group being scored. Members are ordered by
// entity ID, so that every sum runs in an order independent of the input.
type group struct {
	name string
	rows []int
	// treated holds each leaf's raw values after winsorisation and mean or
	// median imputation; NaN where missing under the exclude and zero
	// policies.
	treated [][]float64
	// cols holds one score column per node (leaves: normalised scores).
	cols [][]float64
	// local and eff are the node weights within the parent and down the
	// tree.
	local, eff []float64
	base       []float64
}

// engine holds what Compute shares between the groups.
type engine struct {
	in    *Input
	t     *tree
	out   *Output
	flags []uint16
	base  []float64
	extra []float64 // bonus − deduction per row
}

// prepareLeaves fills g.treated and the leaf columns of g.cols.
func (e *engine) prepareLeaves(g *group) {
	t, ng := e.t, len(g.rows)
	g.treated = make([][]float64, len(t.leaves))
	treatedMark := make([]bool, ng)
	for l, node := range t.leaves {
		ind := t.nodes[node].ind
		raw := e.out.Raw.Col(l)
		x := make([]float64, ng)
		for k, r := range g.rows {
			x[k] = raw[r]
		}
		if ind.Winsorise {
			clear(treatedMark)
			if winsorise(x, treatedMark) > 0 {
				for k, m := range treatedMark {
					if m {
						e.flags[g.rows[k]] |= fWinsorised
					}
				}
			}
		}
		switch ind.Missing {
		case MissingMean, MissingMedian:
			fill := groupMean(x)
			if ind.Missing == MissingMedian {
				fill = groupMedian(x)
			}
			for k, v := range x {
				if isNaN(v) && !isNaN(fill) {
					x[k] = fill
					e.flags[g.rows[k]] |= fImputed
				}
			}
		case MissingZero:
			for k, v := range x {
				if isNaN(v) {
					e.flags[g.rows[k]] |= fImputed
				}
			}
		default:
			for k, v := range x {
				if isNaN(v) {
					e.flags[g.rows[k]] |= fExcluded
				}
			}
		}
		g.treated[l] = x
		col := make([]float64, ng)
		e.normaliseLeaf(col, l, x, "")
		g.cols[node] = col
	}
}

// normaliseLeaf normalises leaf l's treated values into out with the
// scheme's method, or with method when it is not empty, then scores
// missing values 0 under the zero policy.
func (e *engine) normaliseLeaf(out []float64, l int, x []float64, method Method) {
	ind := e.t.nodes[e.t.leaves[l]].ind
	spec := ind.Normalise
	if method != "" {
		spec = Normalisation{Method: method}
	}
	normalise(out, x, spec, ind.Direction)
	if ind.Missing == MissingZero {
		for k, v := range out {
			if isNaN(v) {
				out[k] = 0
			}
		}
	}
}

func groupMean(x []float64) float64 {
	m, _ := meanSD(x)
	return m
}

func groupMedian(x []float64) float64 {
	v := make([]float64, 0, len(x))
	for _, f := range x {
		if !isNaN(f) {
			v = append(v, f)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// score runs the baseline for one group: leaves, weights, aggregation,
// base totals, contributions, and writes the group's part of the output.
func (e *engine) score(g *group) {
	t, ng := e.t, len(g.rows)
	g.cols = make([][]float64, len(t.nodes))
	for _, i := range t.post {
		g.cols[i] = make([]float64, ng)
	}
	e.prepareLeaves(g)
	g.local = make([]float64, len(t.nodes))
	den := make([]float64, ng)
	for _, i := range t.post {
		w := e.childWeights(g, i)
		for k, c := range t.nodes[i].scored {
			g.local[c] = w[k]
		}
		agg := t.nodes[i].agg
		t.aggregateNode(i, g.cols, g.local, agg == Geometric, den)
	}
	g.local[t.root] = 1
	g.eff = effectiveWeights(t, g.local)
	g.base = make([]float64, ng)
	e.baseTotals(g, g.cols, g.eff, g.base)
	for k, b := range g.base {
		if isNaN(b) {
			g.base[k] = 0
			e.flags[g.rows[k]] |= fInsufficient
		}
	}
	e.availability(g)
	e.contributions(g)
	for _, i := range t.post {
		if i == t.root {
			continue
		}
		col := e.out.Scores.Col(i)
		for k, r := range g.rows {
			col[r] = g.cols[i][k]
		}
	}
	for l, node := range t.leaves {
		sc, nc := e.out.Scores.Col(node), e.out.Normalised.Col(l)
		for k, r := range g.rows {
			sc[r] = g.cols[node][k]
			nc[r] = g.cols[node][k]
		}
	}
	for k, r := range g.rows {
		e.base[r] = g.base[k]
	}
}

// childWeights returns the local weights of node i's scored children for
// group g, summing to 1.
func (e *engine) childWeights(g *group, i int) []float64 {
	t := e.t
	nd := &t.nodes[i]
	k := len(nd.scored)
	switch nd.weighting {
	case WeightEqual:
		return equalWeights(k)
	case WeightAHP:
		return slices.Clone(t.ahp[i])
	case WeightEntropy, WeightCRITIC:
		cols := completeCases(g.cols, nd.scored)
		if nd.weighting == WeightEntropy {
			return entropyWeights(cols)
		}
		return criticWeights(cols)
	}
	w := make([]float64, k)
	for j, c := range nd.scored {
		w[j] = expertWeight(t.nodes[c].ind, g.name)
	}
	normaliseWeights(w)
	return w
}

// completeCases returns the columns of the given nodes restricted to the
// entities that have a value for every one of them.
func completeCases(cols [][]float64, nodes []int) [][]float64 {
	ng := len(cols[nodes[0]])
	keep := make([]int, 0, ng)
	for k := 0; k < ng; k++ {
		ok := true
		for _, c := range nodes {
			if isNaN(cols[c][k]) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, k)
		}
	}
	out := make([][]float64, len(nodes))
	for j, c := range nodes {
		col := make([]float64, len(keep))
		for m, k := range keep {
			col[m] = cols[c][k]
		}
		out[j] = col
	}
	return out
}

// effectiveWeights multiplies local weights down the tree.
func effectiveWeights(t *tree, local []float64) []float64 {
	eff := make([]float64, len(t.nodes))
	eff[t.root] = 1
	for _, i := range t.pre {
		for _, c := range t.nodes[i].scored {
			eff[c] = eff[i] * local[c]
		}
	}
	return eff
}

// baseTotals writes the base totals (root score or 100 × TOPSIS closeness)
// of a group whose node columns are computed.
func (e *engine) baseTotals(g *group, cols [][]float64, eff, base []float64) {
	t := e.t
	if e.in.Scheme.Composite != CompositeTOPSIS {
		copy(base, cols[t.root])
		return
	}
	lc := make([][]float64, len(t.leaves))
	w := make([]float64, len(t.leaves))
	for l, node := range t.leaves {
		c := make([]float64, len(base))
		for k, v := range cols[node] {
			if !isNaN(v) {
				c[k] = v
			}
		}
		lc[l], w[l] = c, eff[node]
	}
	for k, v := range topsis(lc, w, nil, topsisMinMax) {
		base[k] = 100 * v
	}
}

// availability flags entities with less than MinAvailable of the leaf
// weight observed.
func (e *engine) availability(g *group) {
	minAv := e.in.Scheme.MinAvailable
	if minAv <= 0 {
		return
	}
	t := e.t
	total := 0.0
	for _, node := range t.leaves {
		total += g.eff[node]
	}
	for _, r := range g.rows {
		have := 0.0
		for l, node := range t.leaves {
			if !isNaN(e.out.Raw.Col(l)[r]) {
				have += g.eff[node]
			}
		}
		if total > 0 && have/total < minAv-1e-12 {
			e.flags[r] |= fInsufficient
		}
	}
}

// contributions writes each leaf's contribution to the base total.
func (e *engine) contributions(g *group) {
	t, ng := e.t, len(g.rows)
	amount := make([][]float64, len(t.nodes))
	for i := range amount {
		if g.cols[i] != nil {
			amount[i] = make([]float64, ng)
		}
	}
	if e.in.Scheme.Composite == CompositeTOPSIS {
		// Proportional attribution: each leaf gets base × e·x / Σ e·x.
		for k := 0; k < ng; k++ {
			s := 0.0
			for _, node := range t.leaves {
				if v := g.cols[node][k]; !isNaN(v) {
					s += g.eff[node] * v
				}
			}
			for _, node := range t.leaves {
				v := g.cols[node][k]
				switch {
				case isNaN(v):
				case s != 0:
					amount[node][k] = g.base[k] * (g.eff[node] * v / s)
				default:
					amount[node][k] = g.base[k] * g.eff[node]
				}
			}
		}
	} else {
		copy(amount[t.root], g.base)
		num, den := make([]float64, ng), make([]float64, ng)
		t.splitContributions(g.cols, amount, g.local, "", num, den)
	}
	for l, node := range t.leaves {
		col := e.out.Contributions.Col(l)
		for k, r := range g.rows {
			col[r] = amount[node][k]
		}
	}
}
