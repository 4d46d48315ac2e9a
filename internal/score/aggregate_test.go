package score

import (
	"math"
	"testing"
)

// flatTree is a scheme with one dimension over n leaves with the given weights.
func flatTree(w []float64, agg Aggregation) *tree {
	s := &Scheme{Indicators: []Indicator{{Code: "D", Kind: KindDimension, Weight: 1, Aggregation: agg}}}
	for k, wk := range w {
		s.Indicators = append(s.Indicators, Indicator{Code: string(rune('a' + k)), Parent: "D", Weight: wk})
	}
	return compile(s)
}

func TestAggregateCOINr(t *testing.T) {
	// COINr R/aggregate.R a_amean (weights re-scaled to sum 1, NA skipped)
	// and a_gmean: exp(Σ w log x / Σ w); tests/testthat/test-aggregate.R
	// compares a_amean with weighted.mean(x, 1:5). For x = (10, 40, 80, 25,
	// 60) and w = 1:5: arithmetic 730/15 = 48.6667, geometric 42.3052.
	x := []float64{10, 40, 80, 25, 60}
	w := []float64{1, 2, 3, 4, 5}
	nan := math.NaN()
	for _, tc := range []struct {
		agg  Aggregation
		x    []float64
		want float64
	}{
		{Arithmetic, x, 730.0 / 15},
		{Geometric, x, 42.3051996241717},
		// NA handling as a_amean: the missing value's weight is dropped and
		// the rest re-scaled: (10·1 + 80·3 + 25·4 + 60·5)/13.
		{Arithmetic, []float64{10, nan, 80, 25, 60}, 650.0 / 13},
		// All missing gives NA.
		{Arithmetic, []float64{nan, nan, nan, nan, nan}, nan},
	} {
		tr := flatTree(w, tc.agg)
		cols := make([][]float64, len(tr.nodes))
		for k, v := range tc.x {
			cols[k+1] = []float64{v}
		}
		cols[0], cols[tr.root] = make([]float64, 1), make([]float64, 1)
		local := make([]float64, len(tr.nodes))
		for k, wk := range w {
			local[k+1] = wk / 15
		}
		local[0], local[tr.root] = 1, 1
		tr.aggregateAll(cols, local, "", make([]float64, 1))
		if !near(cols[0][0], tc.want, 1e-9) {
			t.Errorf("%s %v: got %.10g, want %.10g", tc.agg, tc.x, cols[0][0], tc.want)
		}
	}
}

func TestGeometricFloor(t *testing.T) {
	// A zero score is raised to GeometricFloor (1) instead of zeroing the
	// node: equal weights over (0, 100) give sqrt(1 × 100) = 10.
	tr := flatTree([]float64{1, 1}, Geometric)
	cols := [][]float64{{0}, {0}, {100}, {0}}
	local := []float64{1, 0.5, 0.5, 1}
	tr.aggregateAll(cols, local, "", []float64{0})
	if !near(cols[0][0], 10, 1e-12) {
		t.Errorf("got %g, want 10", cols[0][0])
	}
}
