package scorefile

import (
	"path/filepath"
	"testing"

	"kaohe/internal/score"
)

// synthFiles writes the 100,000 × 40 synthetic files (4,000,000 value
// rows, about 75 MB) into a temporary directory.
func synthFiles(b *testing.B) Files {
	b.Helper()
	dir := b.TempDir()
	if _, err := WriteSynth(dir, 100000, 40, 1); err != nil {
		b.Fatal(err)
	}
	return Files{
		Scheme:   filepath.Join(dir, "scheme.json"),
		Entities: filepath.Join(dir, "entities.csv"),
		Values:   filepath.Join(dir, "values.csv"),
	}
}

// BenchmarkScoreFiles is `kaohe score` end to end on the synthetic files,
// without flag parsing: read and check the files, compute, and write
// results.csv atomically. cmd/kaohe has the same through runScore.
func BenchmarkScoreFiles(b *testing.B) {
	files := synthFiles(b)
	out := filepath.Join(b.TempDir(), "results.csv")
	for b.Loop() {
		in, _, err := Load(files, Auto)
		if err != nil {
			b.Fatal(err)
		}
		res, err := score.Compute(in)
		if err != nil {
			b.Fatal(err)
		}
		o, err := Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteResults(o, in.Scheme, res); err != nil {
			b.Fatal(err)
		}
		if err := o.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is the reading and checking part alone.
func BenchmarkLoad(b *testing.B) {
	files := synthFiles(b)
	for b.Loop() {
		if _, _, err := Load(files, Auto); err != nil {
			b.Fatal(err)
		}
	}
}
