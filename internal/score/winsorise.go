package score

import "math"

// COINr's default outlier treatment (R/treat.R, Treat.data.frame defaults):
// an indicator passes when |skewness| < 2 or kurtosis < 3.5; otherwise at
// most 5 points are winsorised.
const (
	winMax       = 5
	skewThresh   = 2.0
	kurtThresh   = 3.5
	minWinPoints = 4 // kurtosis needs at least 4 points
)

// skewKurt returns the sample skewness and excess kurtosis of the non-NaN
// values, with the definitions of COINr's skew() and kurt() (e1071 type 2,
// as in Excel's SKEW and KURT).
func skewKurt(x []float64) (skew, kurt float64) {
	n, mean := 0, 0.0
	for _, v := range x {
		if !isNaN(v) {
			n++
			mean += v
		}
	}
	mean /= float64(n)
	var m2, m3, m4 float64
	for _, v := range x {
		if !isNaN(v) {
			d := v - mean
			d2 := d * d
			m2 += d2
			m3 += d2 * d
			m4 += d2 * d2
		}
	}
	fn := float64(n)
	if m2 == 0 {
		return 0, 0
	}
	skew = math.Sqrt(fn) * m3 / math.Pow(m2, 1.5)
	skew *= math.Sqrt(fn*(fn-1)) / (fn - 2)
	r := fn * m4 / (m2 * m2)
	kurt = ((fn+1)*(r-3) + 6) * (fn - 1) / ((fn - 2) * (fn - 3))
	return skew, kurt
}

// passesSkewKurt is COINr's check_SkewKurt with the default thresholds.
func passesSkewKurt(x []float64) bool {
	s, k := skewKurt(x)
	return math.Abs(s) < skewThresh || k < kurtThresh
}

// winsorise treats x in place as COINr's winsorise() does with its
// defaults: while the values fail the skew/kurtosis check, the highest
// value(s) (when skewness ≥ 0) or the lowest value(s) (otherwise) are set
// to the next value in, until the check passes or winMax points have been
// treated. Tied extremes are treated together. It marks treated positions
// in treated (which may be nil) and returns the number of points treated.
//
// One deliberate difference: COINr counts only the points of the latest
// step against winmax (nwin is overwritten each step), whereas the limit
// here counts every point treated, as its documentation ("maximum number of
// points to winsorise") describes.
func winsorise(x []float64, treated []bool) int {
	n := 0
	for _, v := range x {
		if !isNaN(v) {
			n++
		}
	}
	if n < minWinPoints || passesSkewKurt(x) {
		return 0
	}
	nwin := 0
	for nwin < winMax {
		s, _ := skewKurt(x)
		hi := s >= 0
		ext, next := math.Inf(-1), math.Inf(-1)
		if !hi {
			ext, next = math.Inf(1), math.Inf(1)
		}
		for _, v := range x {
			if isNaN(v) {
				continue
			}
			if (hi && v > ext) || (!hi && v < ext) {
				ext = v
			}
		}
		for _, v := range x {
			if isNaN(v) || v == ext {
				continue
			}
			if (hi && v > next) || (!hi && v < next) {
				next = v
			}
		}
		if math.IsInf(next, 0) {
			break // all values equal
		}
		for i, v := range x {
			if v == ext {
				x[i] = next
				nwin++
				if treated != nil {
					treated[i] = true
				}
			}
		}
		if passesSkewKurt(x) {
			break
		}
	}
	return nwin
}
