package score

import "math"

// topsisNorm is the column normalisation used inside TOPSIS.
type topsisNorm int

const (
	// topsisMinMax: (x − min)/(max − min), cost (max − x)/(max − min); the
	// default of pymcdm's TOPSIS.
	topsisMinMax topsisNorm = iota
	// topsisVector: x/‖x‖, cost 1 − x/‖x‖; pyrepo-mcda's
	// vector_normalization.
	topsisVector
)

// topsis returns the TOPSIS relative closeness (Hwang & Yoon 1981) of each
// alternative: columns are normalised, multiplied by the weights, and
// closeness = D⁻/(D⁺ + D⁻) with Euclidean distances to the best (PIS) and
// worst (NIS) weighted values. cols[j][i] is alternative i on criterion j;
// cost[j] marks a criterion where lower is better. A constant column
// normalises to 0. An alternative at both PIS and NIS scores 0.5.
func topsis(cols [][]float64, w []float64, cost []bool, norm topsisNorm) []float64 {
	if len(cols) == 0 {
		return nil
	}
	m := len(cols[0])
	dp := make([]float64, m)
	dm := make([]float64, m)
	v := make([]float64, m)
	for j, col := range cols {
		c := cost != nil && cost[j]
		switch norm {
		case topsisMinMax:
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, x := range col {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
			for i, x := range col {
				switch {
				case hi == lo:
					v[i] = 0
				case c:
					v[i] = (hi - x) / (hi - lo)
				default:
					v[i] = (x - lo) / (hi - lo)
				}
			}
		case topsisVector:
			ss := 0.0
			for _, x := range col {
				ss += x * x
			}
			nrm := math.Sqrt(ss)
			for i, x := range col {
				switch {
				case nrm == 0:
					v[i] = 0
				case c:
					v[i] = 1 - x/nrm
				default:
					v[i] = x / nrm
				}
			}
		}
		pis, nis := math.Inf(-1), math.Inf(1)
		for i := range v {
			v[i] *= w[j]
			pis, nis = math.Max(pis, v[i]), math.Min(nis, v[i])
		}
		for i := range v {
			a, b := v[i]-pis, v[i]-nis
			dp[i] += a * a
			dm[i] += b * b
		}
	}
	out := make([]float64, m)
	for i := range out {
		p, n := math.Sqrt(dp[i]), math.Sqrt(dm[i])
		if p+n == 0 {
			out[i] = 0.5
		} else {
			out[i] = n / (p + n)
		}
	}
	return out
}
