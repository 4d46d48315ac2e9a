package score

import "math"

// GeometricFloor is the smallest score a weighted geometric mean uses:
// scores below it (including 0) are raised to it before taking logs, so
// that a zero does not wipe out the node and every log-share is ≥ 0.
const GeometricFloor = 1.0

// aggregateNode computes the score column of inner node i from its scored
// children's columns: the weighted arithmetic or geometric mean over the
// children with data, weights re-normalised per entity. An entity with no
// child data (or only zero-weight children) gets NaN. den is scratch.
func (t *tree) aggregateNode(i int, cols [][]float64, w []float64, geo bool, den []float64) {
	out := cols[i]
	clear(out)
	clear(den)
	for _, c := range t.nodes[i].scored {
		wc := w[c]
		col := cols[c]
		if geo {
			for k, v := range col {
				if !isNaN(v) {
					out[k] += wc * math.Log(math.Max(v, GeometricFloor))
					den[k] += wc
				}
			}
		} else {
			for k, v := range col {
				if !isNaN(v) {
					out[k] += wc * v
					den[k] += wc
				}
			}
		}
	}
	for k, d := range den {
		switch {
		case !(d > 0):
			out[k] = math.NaN()
		case geo:
			out[k] = math.Exp(out[k] / d)
		default:
			out[k] /= d
		}
	}
}

// aggregateAll computes every inner node bottom-up with fixed local weights;
// override, when not empty, replaces every node's aggregation.
func (t *tree) aggregateAll(cols [][]float64, w []float64, override Aggregation, den []float64) {
	for _, i := range t.post {
		agg := t.nodes[i].agg
		if override != "" {
			agg = override
		}
		t.aggregateNode(i, cols, w, agg == Geometric, den)
	}
}

// splitContributions distributes amount[root] down the tree so that each
// node's amount is the sum of its children's (see Explain): under an
// arithmetic node child c gets amount × w_c x_c / Σ w x, under a geometric
// node amount × w_c ln x_c / Σ w ln x (log-shares, x floored at
// GeometricFloor); when the denominator is zero, shares follow the
// re-normalised weights. Children without data get 0. amount[i] must hold
// one slice per node; the leaves' slices receive their contributions.
func (t *tree) splitContributions(cols, amount [][]float64, w []float64, override Aggregation, num, den []float64) {
	for _, i := range t.pre {
		agg := t.nodes[i].agg
		if override != "" {
			agg = override
		}
		geo := agg == Geometric
		clear(num)
		clear(den)
		for _, c := range t.nodes[i].scored {
			wc := w[c]
			for k, v := range cols[c] {
				if !isNaN(v) {
					if geo {
						v = math.Log(math.Max(v, GeometricFloor))
					}
					num[k] += wc * v
					den[k] += wc
				}
			}
		}
		a := amount[i]
		for _, c := range t.nodes[i].scored {
			wc := w[c]
			ac := amount[c]
			for k, v := range cols[c] {
				switch {
				case isNaN(v) || !(den[k] > 0):
					ac[k] = 0
				case num[k] != 0:
					if geo {
						v = math.Log(math.Max(v, GeometricFloor))
					}
					ac[k] = a[k] * (wc * v / num[k])
				default:
					ac[k] = a[k] * (wc / den[k])
				}
			}
		}
	}
}
