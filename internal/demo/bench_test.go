package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// BenchmarkBuild builds the demo at KAOHE_BENCH_SCALE (default 20) on SQLite.
func BenchmarkBuild(b *testing.B) {
	scale := 20
	if s, err := strconv.Atoi(os.Getenv("KAOHE_BENCH_SCALE")); err == nil {
		scale = s
	}
	for b.Loop() {
		b.StopTimer()
		d := dbtest.SQLite(b)
		b.StartTimer()
		if _, err := demo.Build(context.Background(), d, demo.Options{Seed: 1, Scale: scale}); err != nil {
			b.Fatal(err)
		}
	}
}
