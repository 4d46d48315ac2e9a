package score

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRankKeys(t *testing.T) {
	keys := []float64{90, 95, 95, 80, 95, -3}
	ranks := make([]int32, len(keys))
	rankKeys(keys, make([]uint64, len(keys)), ranks)
	if want := []int32{4, 1, 1, 5, 1, 6}; !slices.Equal(ranks, want) {
		t.Fatalf("got %v, want %v", ranks, want)
	}
	// The packed fast path and the comparison path agree.
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 100; trial++ {
		n := 1 + rng.IntN(50)
		k := make([]float64, n)
		for i := range k {
			k[i] = tieKey(float64(rng.IntN(20)) + rng.Float64()*float64(rng.IntN(2)))
		}
		fast := make([]int32, n)
		rankKeys(k, make([]uint64, n), fast)
		big := slices.Clone(k)
		for i := range big {
			big[i] += 1e6 // beyond the fast path's range, same order
		}
		slow := make([]int32, n)
		rankKeys(big, make([]uint64, n), slow)
		if !slices.Equal(fast, slow) {
			t.Fatalf("keys %v: fast %v, slow %v", k, fast, slow)
		}
	}
}

func TestPercentileNearestRank(t *testing.T) {
	// Nearest-rank: position ⌈p·n⌉ of the sorted values.
	v := []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	for _, tc := range []struct {
		p    float64
		want int
	}{{0.05, 1}, {0.5, 10}, {0.95, 19}} {
		if got := percentile(v, tc.p); got != tc.want {
			t.Errorf("p%g: got %d, want %d", tc.p, got, tc.want)
		}
	}
}

func TestQuotaLimit(t *testing.T) {
	for _, tc := range []struct {
		r    Rounding
		n    int
		want int
	}{{Floor, 12, 2}, {Round, 12, 2}, {Ceil, 12, 3}, {Ceil, 10, 2}, {Floor, 4, 0}, {Round, 13, 3}} {
		if got := quotaLimit(Quota{Share: 0.2, Rounding: tc.r}, tc.n); got != tc.want {
			t.Errorf("20%% of %d with %s: got %d, want %d", tc.n, tc.r, got, tc.want)
		}
	}
}
