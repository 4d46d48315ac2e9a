package analysis_test

import (
	"math/rand/v2"
	"testing"

	"kaohe/internal/analysis"
)

// BenchmarkCompute is the weak-link analysis of 100,000 units × 40
// indicators × 6 cycles (budget 1 s; docs/benchmarks.md).
func BenchmarkCompute(b *testing.B) {
	const cycles, indicators, units = 6, 40, 100_000
	m := analysis.NewMatrix(cycles, indicators, units)
	r := rand.New(rand.NewPCG(1, 2))
	for k := range m.Norm {
		if r.IntN(50) != 0 { // 2 % missing
			m.Norm[k], m.Raw[k] = r.Float64()*100, r.Float64()*1000
		}
	}
	for k := range m.Median {
		m.Median[k] = 50
		if k%4 == 0 {
			m.Target[k] = 700
		}
	}
	b.ResetTimer()
	for b.Loop() {
		analysis.Compute(m, analysis.DefaultMinCell)
	}
}
