package score

import (
	"strings"
	"testing"
)

func TestRandomIndex(t *testing.T) {
	// Saaty (1980) RI as tabulated in energyinpython/pyrepo-mcda
	// src/pyrepo_mcda/mcda_methods/ahp.py (_check_consistency).
	want := []float64{0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49}
	checkSlice(t, "RI", RandomIndex[:], want, 0)
}

func TestAHPWeights(t *testing.T) {
	tests := []struct {
		name   string
		m      [][]float64
		want   []float64
		wantCR float64
		tol    float64
	}{
		{
			// A perfectly consistent matrix a_ij = w_i/w_j for w = (0.5, 0.3,
			// 0.2): the eigenvector is w, λmax = n and CR = 0.
			name: "consistent",
			m:    [][]float64{{1, 5.0 / 3, 2.5}, {0.6, 1, 1.5}, {0.4, 2.0 / 3, 1}},
			want: []float64{0.5, 0.3, 0.2}, wantCR: 0, tol: 1e-12,
		},
		{
			// The criteria matrix PCcriteria of the _classic_ahp docstring in
			// energyinpython/pyrepo-mcda src/pyrepo_mcda/mcda_methods/ahp.py.
			// Expected eigenvector and λmax = 4.0435 (CR = 0.0161) computed
			// independently (Python power iteration, 2000 steps); the row
			// geometric means (0.391, 0.391, 0.067, 0.151) agree to 2 places.
			name: "pyrepo-mcda PCcriteria",
			m:    [][]float64{{1, 1, 5, 3}, {1, 1, 5, 3}, {1.0 / 5, 1.0 / 5, 1, 1.0 / 3}, {1.0 / 3, 1.0 / 3, 3, 1}},
			want: []float64{0.389862, 0.389862, 0.067925, 0.152352}, wantCR: 0.016109, tol: 1e-6,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _, cr := ahpWeights(tc.m)
			checkSlice(t, "w", w, tc.want, tc.tol)
			if !near(cr, tc.wantCR, tc.tol) {
				t.Errorf("CR: got %.6f, want %.6f", cr, tc.wantCR)
			}
		})
	}
}

func TestCheckAHP(t *testing.T) {
	tests := []struct {
		name string
		m    [][]float64
		n    int
		want string // substring of the message; "" = valid
	}{
		{"valid", [][]float64{{1, 3}, {1.0 / 3, 1}}, 2, ""},
		{"rounded reciprocal accepted", [][]float64{{1, 3}, {0.33, 1}}, 2, ""},
		{"wrong size", [][]float64{{1, 3}, {1.0 / 3, 1}}, 3, "has 2 rows, want 3"},
		{"ragged", [][]float64{{1, 3}, {1}}, 2, "row has 1 entries"},
		{"not positive", [][]float64{{1, -3}, {-1.0 / 3, 1}}, 2, "must be positive"},
		{"diagonal", [][]float64{{2, 3}, {1.0 / 3, 1}}, 2, "diagonal must be 1"},
		{"not reciprocal", [][]float64{{1, 3}, {3, 1}}, 2, "not reciprocal"},
		// A cyclic preference A>B (9), B>C (9), C>A (9) is maximally
		// inconsistent: CR far above 0.1.
		{"inconsistent", [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}}, 3, "consistency ratio CR = "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, msg := checkAHP(tc.m, tc.n)
			if tc.want == "" && msg != "" {
				t.Fatalf("got error %q, want none", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("got %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}
