package survey_test

import (
	"context"
	"sync"
	"testing"

	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// BenchmarkSubmit casts ballots of 10 cadres × 7 items on SQLite through
// the service, from as many goroutines as the benchmark's parallelism.
func BenchmarkSubmit(b *testing.B) {
	d := dbtest.SQLite(b)
	f := newFixture(b, d, 10)
	e, codes := f.evaluation(b, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: b.N})
	answers := fill(e, second)
	ctx := context.Background()
	cs := codes[survey.GroupSuperior]
	var (
		mu   sync.Mutex
		next int
	)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			c := cs[next]
			next++
			mu.Unlock()
			if err := f.s.Submit(ctx, c.Code, survey.Submission{Answers: answers}); err != nil {
				b.Error(err)
			}
		}
	})
}
