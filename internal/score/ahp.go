package score

import (
	"fmt"
	"math"
)

// RandomIndex is Saaty's random consistency index RI by matrix size n
// (RandomIndex[n-1]), from Saaty, T. L. (1980), The Analytic Hierarchy
// Process, McGraw-Hill, as tabulated in pyrepo-mcda
// (src/pyrepo_mcda/mcda_methods/ahp.py): 0, 0, 0.58, 0.90, 1.12, 1.24,
// 1.32, 1.41, 1.45, 1.49.
var RandomIndex = [...]float64{0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49}

// MaxCR is the largest acceptable AHP consistency ratio (exclusive).
const MaxCR = 0.1

// AHPResult is what a pairwise comparison matrix gives.
type AHPResult struct {
	// Weights is the principal eigenvector, summing to 1.
	Weights []float64
	// Lambda is the principal eigenvalue λmax.
	Lambda float64
	// CR is the consistency ratio ((λmax − n)/(n − 1))/RI(n); 0 for n ≤ 2.
	CR float64
	// Consistent is CR < MaxCR: the engine accepts the matrix.
	Consistent bool
}

// AHP returns the weights and consistency ratio of a pairwise comparison
// matrix, exactly as the engine computes them. It refuses a matrix that is
// not square, positive and reciprocal or is larger than Saaty's RI table;
// an inconsistent matrix is returned with Consistent false.
func AHP(m [][]float64) (*AHPResult, error) {
	if field, msg := checkMatrix(m, len(m)); msg != "" {
		return nil, &Error{Field: field, Msg: msg}
	}
	w, lambda, cr := ahpWeights(m)
	return &AHPResult{Weights: w, Lambda: lambda, CR: cr, Consistent: cr < MaxCR}, nil
}

// checkAHP checks that m is an n×n positive reciprocal matrix with n within
// the RI table and a consistency ratio below MaxCR.
func checkAHP(m [][]float64, n int) (field, msg string) {
	if field, msg := checkMatrix(m, n); msg != "" {
		return field, msg
	}
	_, _, cr := ahpWeights(m)
	if cr >= MaxCR {
		return "ahp", fmt.Sprintf("inconsistent: consistency ratio CR = %.3f, must be below %.1f (Saaty's RI for n = %d is %.2f)", cr, MaxCR, n, RandomIndex[n-1])
	}
	return "", ""
}

// checkMatrix checks that m is an n×n positive reciprocal matrix with
// 1 ≤ n ≤ len(RandomIndex).
func checkMatrix(m [][]float64, n int) (field, msg string) {
	if len(m) != n || n == 0 {
		return "ahp", fmt.Sprintf("matrix has %d rows, want %d (one per child)", len(m), n)
	}
	if n > len(RandomIndex) {
		return "ahp", fmt.Sprintf("matrix of size %d is larger than Saaty's RI table (at most %d)", n, len(RandomIndex))
	}
	for i := range m {
		if len(m[i]) != n {
			return fmt.Sprintf("ahp[%d]", i), fmt.Sprintf("row has %d entries, want %d", len(m[i]), n)
		}
	}
	for i := range m {
		for j := range m[i] {
			v := m[i][j]
			if !(v > 0) || math.IsInf(v, 0) {
				return fmt.Sprintf("ahp[%d][%d]", i, j), fmt.Sprintf("must be positive, got %g", v)
			}
			if i == j && v != 1 {
				return fmt.Sprintf("ahp[%d][%d]", i, j), fmt.Sprintf("diagonal must be 1, got %g", v)
			}
			if r := m[j][i] * v; math.Abs(r-1) > reciprocalTolerance {
				return fmt.Sprintf("ahp[%d][%d]", i, j), fmt.Sprintf("not reciprocal: %g × ahp[%d][%d] = %g, want 1", v, j, i, r)
			}
		}
	}
	return "", ""
}

// ahpWeights returns the principal eigenvector of a positive reciprocal
// matrix, normalised to sum 1, its principal eigenvalue λmax and the
// consistency ratio CR = ((λmax − n)/(n − 1))/RI(n) (0 for n ≤ 2). It uses
// power iteration, which converges for positive matrices (Perron–Frobenius).
func ahpWeights(m [][]float64) (w []float64, lambda, cr float64) {
	n := len(m)
	if n == 0 {
		return nil, 0, 0
	}
	w = make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for iter := 0; iter < 1000; iter++ {
		sum := 0.0
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < n; j++ {
				s += m[i][j] * w[j]
			}
			next[i] = s
			sum += s
		}
		diff := 0.0
		for i := range next {
			next[i] /= sum
			diff = math.Max(diff, math.Abs(next[i]-w[i]))
		}
		w, next = next, w
		if diff < 1e-15 {
			break
		}
	}
	// λmax = mean over i of (M w)_i / w_i.
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < n; j++ {
			s += m[i][j] * w[j]
		}
		lambda += s / w[i]
	}
	lambda /= float64(n)
	if n > 2 && n <= len(RandomIndex) {
		cr = (lambda - float64(n)) / float64(n-1) / RandomIndex[n-1]
		if cr < 0 {
			cr = 0 // rounding below zero for consistent matrices
		}
	}
	return w, lambda, cr
}

// reciprocalTolerance is how far a[i][j] × a[j][i] may be from 1, so that
// 1/3 written as 0.33 or 1/7 as 0.143 is accepted.
const reciprocalTolerance = 0.02
