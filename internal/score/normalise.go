package score

import (
	"math"
	"slices"
)

// normalise writes the 0–100 scores of the raw values x (NaN = missing,
// left NaN) into out, using the method of spec and the direction. The
// group statistics (min, max, mean, sd, ranks) are taken over the
// non-missing values. out may alias x.
//
// The formulas follow COINr (R/normalise.R), scaled to 0–100:
//   - minmax:    100 × (x − min)/(max − min) (n_minmax, l_u = c(0, 100));
//     for lower-is-better 100 × (max − x)/(max − min). When all values are
//     equal every value scores 100.
//   - target:    100 × (x − min)/(target − min) (n_dist2targ), for
//     lower-is-better 100 × (max − x)/(max − target); capped at 100 when
//     Cap is set. When target equals the worst value, values at or beyond
//     the target score 100 and the others 0.
//   - goalposts: 100 × (x − low)/(high − low) truncated to 0–100
//     (n_goalposts with trunc2posts); for lower-is-better
//     100 × (high − x)/(high − low).
//   - zscore:    50 + 10 × (x − mean)/sd with the sample sd (n_zscore with
//     m_sd = c(50, 10)); sign flipped for lower-is-better; 50 when sd = 0.
//   - rank:      100 × (rank − 1)/(n − 1) with ties taking the smallest
//     rank (n_prank, ties.method = "min"); 100 when n = 1.
func normalise(out, x []float64, spec Normalisation, dir Direction) {
	sign := 1.0
	if dir == Lower {
		sign = -1
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, v := range x {
		if isNaN(v) {
			continue
		}
		n++
		v *= sign
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	method := spec.Method
	if method == "" {
		method = MinMax
	}
	switch method {
	case MinMax:
		r := hi - lo
		for i, v := range x {
			switch {
			case isNaN(v):
				out[i] = v
			case r == 0:
				out[i] = 100
			default:
				out[i] = 100 * (v*sign - lo) / r
			}
		}
	case Target:
		t := *spec.Target * sign
		d := t - lo
		for i, v := range x {
			if isNaN(v) {
				out[i] = v
				continue
			}
			v *= sign
			var y float64
			if d == 0 {
				y = 0
				if v >= t {
					y = 100
				}
			} else {
				y = 100 * (v - lo) / d
			}
			if spec.Cap && y > 100 {
				y = 100
			}
			out[i] = y
		}
	case Goalposts:
		l, h := *spec.Low, *spec.High
		for i, v := range x {
			if isNaN(v) {
				out[i] = v
				continue
			}
			y := (v - l) / (h - l)
			if sign < 0 {
				y = (h - v) / (h - l)
			}
			out[i] = 100 * math.Min(1, math.Max(0, y))
		}
	case ZScore:
		mean, sd := meanSD(x)
		for i, v := range x {
			switch {
			case isNaN(v):
				out[i] = v
			case sd == 0:
				out[i] = 50
			default:
				out[i] = 50 + 10*sign*(v-mean)/sd
			}
		}
	case Rank:
		percentRank(out, x, sign, n)
	}
}

// meanSD returns the mean and sample standard deviation of the non-NaN
// values (two-pass, in slice order).
func meanSD(x []float64) (mean, sd float64) {
	n := 0
	for _, v := range x {
		if !isNaN(v) {
			mean += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	mean /= float64(n)
	if n < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range x {
		if !isNaN(v) {
			d := v - mean
			ss += d * d
		}
	}
	return mean, math.Sqrt(ss / float64(n-1))
}

// percentRank writes 100 × (rank − 1)/(n − 1), ties taking the smallest rank.
func percentRank(out, x []float64, sign float64, n int) {
	idx := make([]int, 0, n)
	for i, v := range x {
		if !isNaN(v) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		va, vb := x[a]*sign, x[b]*sign
		switch {
		case va < vb:
			return -1
		case va > vb:
			return 1
		}
		return 0
	})
	res := make([]float64, len(x))
	for k := 0; k < len(idx); {
		j := k
		for j < len(idx) && x[idx[j]] == x[idx[k]] {
			j++
		}
		y := 100.0
		if n > 1 {
			y = 100 * float64(k) / float64(n-1)
		}
		for m := k; m < j; m++ {
			res[idx[m]] = y
		}
		k = j
	}
	for i, v := range x {
		if isNaN(v) {
			out[i] = v
		} else {
			out[i] = res[i]
		}
	}
}
