package score

import (
	"math"
	"testing"
)

func TestNormaliseCOINr(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x    []float64
		spec Normalisation
		dir  Direction
		want []float64
	}{
		// COINr tests/testthat/test-normalise.R "dist2targ": x = c(0, 5, 11),
		// targ = 10 gives c(0, 0.5, 1.1); with cap_max c(0, 0.5, 1) (× 100 here).
		{"dist2targ", []float64{0, 5, 11}, Normalisation{Method: Target, Target: ptr(10)}, Higher, []float64{0, 50, 110}},
		{"dist2targ cap", []float64{0, 5, 11}, Normalisation{Method: Target, Target: ptr(10), Cap: true}, Higher, []float64{0, 50, 100}},
		// Same file, reverse direction: x = c(-1, 1, 10), targ = 0,
		// direction = -1 gives c(1.1, 0.9, 0); capped c(1, 0.9, 0).
		{"dist2targ lower", []float64{-1, 1, 10}, Normalisation{Method: Target, Target: ptr(0)}, Lower, []float64{110, 90, 0}},
		{"dist2targ lower cap", []float64{-1, 1, 10}, Normalisation{Method: Target, Target: ptr(0), Cap: true}, Lower, []float64{100, 90, 0}},
		// Same file, "n_funcs": n_goalposts(1, c(0, 10, 1)) = 0.1,
		// n_goalposts(11, …) = 1, n_goalposts(-1, …) = 0; with direction = -1:
		// 0.9, 0 and 1.
		{"goalposts", []float64{1, 11, -1}, Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(10)}, Higher, []float64{10, 100, 0}},
		{"goalposts lower", []float64{1, 11, -1}, Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(10)}, Lower, []float64{90, 0, 100}},
		// n_minmax (R/normalise.R): (x − min)/(max − min) × 100; x = 1:5.
		{"minmax", []float64{1, 2, 3, 4, 5}, Normalisation{}, Higher, []float64{0, 25, 50, 75, 100}},
		{"minmax lower", []float64{1, 2, 3, 4, 5}, Normalisation{Method: MinMax}, Lower, []float64{100, 75, 50, 25, 0}},
		{"minmax missing", []float64{1, nan, 3}, Normalisation{}, Higher, []float64{0, nan, 100}},
		// n_prank: (rank − 1)/(n − 1) with ties.method = "min"; x = c(3, 1, 3, 2)
		// has min-ranks 3, 1, 3, 2, so (2, 0, 2, 1)/3.
		{"prank ties", []float64{3, 1, 3, 2}, Normalisation{Method: Rank}, Higher, []float64{200.0 / 3, 0, 200.0 / 3, 100.0 / 3}},
		{"prank lower", []float64{3, 1, 2}, Normalisation{Method: Rank}, Lower, []float64{0, 100, 50}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float64, len(tc.x))
			normalise(got, tc.x, tc.spec, tc.dir)
			checkSlice(t, "score", got, tc.want, 1e-9)
		})
	}
}

// COINr tests/testthat/test-normalise.R "norm_num": n_zscore on x = 1:10 with
// m_sd = c(5, 2) has mean 5 and sd 2; n_minmax with l_u = c(2, 7) has min 2
// and max 7. Our z-score is m_sd = c(50, 10), so mean 50 and sd 10, and
// min-max is 0–100.
func TestNormaliseCOINrMoments(t *testing.T) {
	x := seq(1, 10)
	z := make([]float64, len(x))
	normalise(z, x, Normalisation{Method: ZScore}, Higher)
	mean, sd := meanSD(z)
	if !near(mean, 50, 1e-12) || !near(sd, 10, 1e-12) {
		t.Errorf("zscore: got mean %g sd %g, want 50 and 10", mean, sd)
	}
	m := make([]float64, len(x))
	normalise(m, x, Normalisation{}, Higher)
	if m[0] != 0 || m[9] != 100 {
		t.Errorf("minmax: got min %g max %g, want 0 and 100", m[0], m[9])
	}
	// n_dist2targ(1:10, targ = 8, cap_max = TRUE): min 0, max 1, and every
	// x ≥ 8 scores 1.
	d := make([]float64, len(x))
	normalise(d, x, Normalisation{Method: Target, Target: ptr(8), Cap: true}, Higher)
	for i, v := range d {
		if x[i] >= 8 && v != 100 {
			t.Errorf("dist2targ x=%g: got %g, want 100", x[i], v)
		}
	}
	if d[0] != 0 {
		t.Errorf("dist2targ x=1: got %g, want 0", d[0])
	}
}

// Edge cases decided here (COINr returns NaN): a constant indicator scores
// 100 under min-max and 50 under z-score; a single value ranks 100.
func TestNormaliseDegenerate(t *testing.T) {
	for _, tc := range []struct {
		m    Method
		x    []float64
		want float64
	}{{MinMax, []float64{4, 4}, 100}, {ZScore, []float64{4, 4}, 50}, {Rank, []float64{4}, 100}} {
		got := make([]float64, len(tc.x))
		normalise(got, tc.x, Normalisation{Method: tc.m}, Higher)
		if got[0] != tc.want {
			t.Errorf("%s constant: got %g, want %g", tc.m, got[0], tc.want)
		}
	}
}
