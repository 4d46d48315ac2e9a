package main

import (
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkScoreFiles runs `kaohe score` in-process on 100,000 entities ×
// 40 indicators written by `kaohe score --synth` (4,000,000 value rows,
// about 75 MB): the budget is 1.5 s and 512 MiB (docs/benchmarks.md).
func BenchmarkScoreFiles(b *testing.B) {
	dir := b.TempDir()
	if code := runScore(b.Context(), []string{"--synth", "100000x40", "--dir", dir}, io.Discard, io.Discard); code != 0 {
		b.Fatalf("synth: exit status %d", code)
	}
	args := []string{
		"--scheme", filepath.Join(dir, "scheme.json"),
		"--entities", filepath.Join(dir, "entities.csv"),
		"--values", filepath.Join(dir, "values.csv"),
		"--out", filepath.Join(dir, "results.csv"),
	}
	for b.Loop() {
		if code := runScore(b.Context(), args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("score: exit status %d", code)
		}
	}
}
