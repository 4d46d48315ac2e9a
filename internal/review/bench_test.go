package review_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/review"
)

// benchSize is the number of cases and reviews of the benchmarks:
// KAOHE_BENCH_REVIEWS, default 100,000 (the budgets are for
// 1,000,000 imported and 10,000,000 counted; docs/benchmarks.md says what
// was run).
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("KAOHE_BENCH_REVIEWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchCases imports n cases of 甲县's item 110, finished on 2026-02-27.
func benchCases(b *testing.B, f *fixture, n int) {
	ctx := context.Background()
	const chunk = 50_000
	for start := 0; start < n; start += chunk {
		var cs []review.CaseIn
		for i := start; i < min(start+chunk, n); i++ {
			cs = append(cs, review.CaseIn{Number: fmt.Sprintf("B%08d", i), Item: "110", FinishedOn: "2026-02-27", Channel: "device"})
		}
		if _, err := f.svc.ImportCases(ctx, sys, f.units["910102"].ID, cs, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// reviewCSV is a channel's file of n reviews of benchCases' cases.
func reviewCSV(n int) []byte {
	var sb strings.Builder
	sb.WriteString("办件编号,评价渠道,评价等级,评价时间,评价意见\n")
	levels := []string{"非常满意", "非常满意", "非常满意", "满意", "基本满意", "非常满意", "满意", "非常满意", "非常满意", "不满意"}
	for i := range n {
		c := ""
		if i%10 == 9 {
			c = "等候时间长"
		}
		fmt.Fprintf(&sb, "B%08d,窗口评价器,%s,2026-02-27 %02d:%02d,%s\n", i, levels[i%10], 9+i%8, i%60, c)
	}
	return []byte(sb.String())
}

// BenchmarkImportReviews imports a CSV file of benchSize reviews, parse
// and write, all in one transaction, on each engine.
func BenchmarkImportReviews(b *testing.B) {
	n := benchSize()
	data := reviewCSV(n)
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				var d *db.DB
				if eng == "sqlite" {
					d = dbtest.SQLite(b)
				} else {
					d = dbtest.Postgres(b)
				}
				f := newFixture(b, d)
				benchCases(b, f, n)
				b.StartTimer()
				rows, err := review.ParseReviews(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.svc.ImportReviews(context.Background(), sys, f.units["910102"].ID, rows, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "reviews/s")
		})
	}
}

// BenchmarkMetrics computes the metrics of every unit for a period of
// benchSize reviews.
func BenchmarkMetrics(b *testing.B) {
	n := benchSize()
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			var d *db.DB
			if eng == "sqlite" {
				d = dbtest.SQLite(b)
			} else {
				d = dbtest.Postgres(b)
			}
			f := newFixture(b, d)
			benchCases(b, f, n)
			rows, _ := review.ParseReviews(reviewCSV(n))
			if _, err := f.svc.ImportReviews(context.Background(), sys, f.units["910102"].ID, rows, "bench"); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				ms, err := f.svc.UnitMetrics(context.Background(), f.actors["province"], f.units["910000"].ID, "2026")
				if err != nil {
					b.Fatal(err)
				}
				counted := 0
				for _, m := range ms {
					counted += m.Counted
				}
				if counted != n {
					b.Fatalf("metrics counted %d reviews, want %d", counted, n)
				}
			}
		})
	}
}
