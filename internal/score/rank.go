package score

import (
	"cmp"
	"math"
	"slices"
)

// tieKey rounds a total to TieDecimals places for ranking.
func tieKey(total float64) float64 {
	const scale = 1e6 // 10^TieDecimals
	return math.Round(total*scale) / scale
}

// rankKeys ranks keys (already rounded by tieKey), best (highest) first:
// equal keys share the smallest rank (1, 1, 3). packed is scratch of the
// same length. When every |key| < 2000 the keys are exact integers at
// 10^-TieDecimals resolution and fit in 32 bits, so key and position are
// packed into one uint64 and sorted without a comparison function.
func rankKeys(keys []float64, packed []uint64, ranks []int32) {
	const scale, limit = 1e6, 2000
	fast := len(keys) < 1<<32
	for _, k := range keys {
		if !(k > -limit && k < limit) {
			fast = false
			break
		}
	}
	n := len(keys)
	if !fast {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
		for k := 0; k < n; {
			j := k
			for j < n && keys[idx[j]] == keys[idx[k]] {
				ranks[idx[j]] = int32(k + 1)
				j++
			}
			k = j
		}
		return
	}
	for i, k := range keys {
		// Higher keys first: invert so ascending order is best first.
		v := uint64(int64(limit*scale) - int64(math.Round(k*scale)))
		packed[i] = v<<32 | uint64(i)
	}
	slices.Sort(packed)
	for k := 0; k < n; {
		j := k
		for j < n && packed[j]>>32 == packed[k]>>32 {
			ranks[uint32(packed[j])] = int32(k + 1)
			j++
		}
		k = j
	}
}

// percentile returns the nearest-rank p-th percentile of sorted values:
// the value at position ⌈p·n⌉ (1-based).
func percentile(sorted []int32, p float64) int {
	n := len(sorted)
	k := int(math.Ceil(p*float64(n))) - 1
	k = max(0, min(n-1, k))
	return int(sorted[k])
}
