package analysis

// quartiles returns the minimum, the three quartiles and the maximum of
// v (not empty, no NaN), quartiles interpolated linearly between order
// statistics (R's type 7, like the heatmap's). It reorders v: selection
// instead of a sort keeps 100,000 units × 40 indicators × 6 cycles in
// budget.
func quartiles(v []float64) (lo, q1, q2, q3, hi float64) {
	lo, hi = v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	q := func(p float64, from int) float64 {
		h := p * float64(len(v)-1)
		k := int(h)
		x := selectK(v, from, k)
		if k+1 >= len(v) || h == float64(k) {
			return x
		}
		// The (k+1)th is the least of what selection put after k.
		next := v[k+1]
		for _, y := range v[k+2:] {
			next = min(next, y)
		}
		return x + (h-float64(k))*(next-x)
	}
	// Each selection leaves everything before its k no greater, so the
	// next one searches from there.
	q1 = q(0.25, 0)
	q2 = q(0.5, int(0.25*float64(len(v)-1)))
	q3 = q(0.75, int(0.5*float64(len(v)-1)))
	return lo, q1, q2, q3, hi
}

// selectK reorders v so that v[k] is its kth smallest element (from 0),
// every element before k no greater and every one after no smaller, and
// returns it; v[:from] must already hold elements no greater than the
// rest. Hoare's selection with a median-of-three pivot.
func selectK(v []float64, from, k int) float64 {
	lo, hi := from, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		p := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}
