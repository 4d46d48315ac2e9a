package score

import "math"

// entropyWeights returns the entropy weights (熵权法) of the columns of a
// decision matrix (alternatives in rows, cols[j][i]), all benefit criteria
// with non-negative values: p_ij = x_ij/Σ_i x_ij,
// E_j = −Σ_i p_ij ln p_ij / ln m (0 ln 0 = 0), d_j = 1 − E_j,
// w_j = d_j/Σ d. This is the method of pymcdm's entropy_weights and
// pyrepo-mcda's entropy_weighting, except that a zero p contributes 0 to
// the entropy (the usual convention) where pymcdm sets the whole column's
// entropy to 0. A column that sums to zero has d = 0. If every d is zero
// the weights are equal.
func entropyWeights(cols [][]float64) []float64 {
	k := len(cols)
	w := make([]float64, k)
	if k == 0 {
		return w
	}
	m := len(cols[0])
	if m < 2 {
		return equalWeights(k)
	}
	lnm := math.Log(float64(m))
	sum := 0.0
	for j, col := range cols {
		s := 0.0
		for _, v := range col {
			s += v
		}
		if !(s > 0) {
			continue
		}
		e := 0.0
		for _, v := range col {
			if v > 0 {
				p := v / s
				e -= p * math.Log(p)
			}
		}
		w[j] = 1 - e/lnm
		if w[j] < 0 {
			w[j] = 0
		}
		sum += w[j]
	}
	if !(sum > 0) {
		return equalWeights(k)
	}
	for j := range w {
		w[j] /= sum
	}
	return w
}

// criticWeights returns the CRITIC weights (Diakoulaki et al. 1995) of
// the columns of a decision matrix, as pymcdm's critic_weights computes
// them: each column min-max normalised to 0–1, σ_j its sample standard
// deviation, r_jk the Pearson correlations, C_j = σ_j Σ_k (1 − r_jk),
// w_j = C_j/Σ C. A constant column has σ = 0 and correlation 0 with the
// others. If every C is zero the weights are equal.
func criticWeights(cols [][]float64) []float64 {
	k := len(cols)
	if k == 0 {
		return nil
	}
	m := len(cols[0])
	if m < 2 {
		return equalWeights(k)
	}
	norm := make([][]float64, k)
	sd := make([]float64, k)
	for j, col := range cols {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range col {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		nc := make([]float64, m)
		if hi > lo {
			for i, v := range col {
				nc[i] = (v - lo) / (hi - lo)
			}
		}
		mean, s := meanSD(nc)
		for i := range nc {
			nc[i] -= mean
		}
		norm[j], sd[j] = nc, s
	}
	c := make([]float64, k)
	sum := 0.0
	for j := 0; j < k; j++ {
		if sd[j] == 0 {
			continue
		}
		conflict := 0.0
		for l := 0; l < k; l++ {
			r := 0.0
			if l == j {
				r = 1
			} else if sd[l] != 0 {
				dot := 0.0
				for i := 0; i < m; i++ {
					dot += norm[j][i] * norm[l][i]
				}
				r = dot / float64(m-1) / (sd[j] * sd[l])
			}
			conflict += 1 - r
		}
		c[j] = sd[j] * conflict
		sum += c[j]
	}
	if !(sum > 0) {
		return equalWeights(k)
	}
	for j := range c {
		c[j] /= sum
	}
	return c
}

func equalWeights(k int) []float64 {
	w := make([]float64, k)
	for j := range w {
		w[j] = 1 / float64(k)
	}
	return w
}

// normaliseWeights scales w in place to sum 1; all-zero weights become equal.
func normaliseWeights(w []float64) {
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	if !(sum > 0) {
		for j := range w {
			w[j] = 1 / float64(len(w))
		}
		return
	}
	for j := range w {
		w[j] /= sum
	}
}
