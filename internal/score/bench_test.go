package score

import (
	"sync"
	"testing"
)

var benchDraws = 1000

var (
	benchOnce sync.Once
	benchIn   *Input
)

// benchInput is 100,000 entities × 40 indicators in 10 groups (Synth).
func benchInput() *Input {
	benchOnce.Do(func() { benchIn = Synth(100_000, 40, 10, 1) })
	return benchIn
}

// BenchmarkCompute100k: normalise, weight, aggregate, rank and grade
// 100,000 × 40 in 10 groups, no draws. Budget: 0.5 s on 2 cores.
func BenchmarkCompute100k(b *testing.B) {
	in := *benchInput()
	in.Options = Options{}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(&in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompute100kDraws1000: the same with 1,000 Monte Carlo draws.
// Budget: 30 s. Run with -benchtime=1x.
func BenchmarkCompute100kDraws1000(b *testing.B) {
	in := *benchInput()
	in.Options = Options{Draws: benchDraws, Seed: 1}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(&in); err != nil {
			b.Fatal(err)
		}
	}
}
