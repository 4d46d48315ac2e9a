package analysis_test

import (
	"math"
	"testing"

	"kaohe/internal/analysis"
)

// TestCompute checks the figures of a small matrix worked by hand.
func TestCompute(t *testing.T) {
	// 2 cycles × 1 indicator × 5 units; unit 4 has no value in cycle 0.
	m := analysis.NewMatrix(2, 1, 5)
	nan := math.NaN()
	copy(m.Norm, []float64{10, 20, 30, 40, nan, 15, 60, 25, 80, 90})
	copy(m.Raw, []float64{1, 2, 3, 4, nan, 1, 6, 2, 8, 9})
	m.Median[0], m.Median[1] = 25, 50
	m.Target[1] = 3 // cycle 1 also wants raw ≥ 3
	st := analysis.Compute(m, 3)[0]
	b0, b1 := st.Boxes[0], st.Boxes[1]
	if b0.N != 4 || b0.Min != 10 || b0.Q1 != 17.5 || b0.Median != 25 || b0.Q3 != 32.5 || b0.Max != 40 || b0.Weak != 2 || b0.Share != 0.5 {
		t.Errorf("cycle 0: got %+v", b0)
	}
	// Cycle 1: below median 15, 25; short of target raw 1, 2 (the same).
	if b1.N != 5 || b1.Median != 60 || b1.Weak != 2 || b1.Share != 0.4 {
		t.Errorf("cycle 1: got %+v", b1)
	}
	// Unit 0 alone was weak both times; units 0–3 are tracked.
	if st.Tracked != 4 || st.Persistent != 1 || st.PersistentShare != 0.25 || math.Abs(st.Common-0.45) > 1e-12 {
		t.Errorf("got tracked %d persistent %d share %v common %v", st.Tracked, st.Persistent, st.PersistentShare, st.Common)
	}
	if s := analysis.Compute(m, 6)[0]; !s.Boxes[1].Suppressed || !math.IsNaN(s.Boxes[1].Median) || !math.IsNaN(s.PersistentShare) {
		t.Errorf("min cell 6: got %+v", s)
	}
}
