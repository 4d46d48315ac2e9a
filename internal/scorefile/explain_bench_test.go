package scorefile

import (
	"io"
	"testing"

	"kaohe/internal/score"
)

// BenchmarkWriteExplain writes the explanation of 100,000 entities × 40
// indicators (about 4,000,000 lines).
func BenchmarkWriteExplain(b *testing.B) {
	in := score.Synth(100000, 40, synthGroups, 1)
	out, err := score.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := WriteExplain(io.Discard, out); err != nil {
			b.Fatal(err)
		}
	}
}
