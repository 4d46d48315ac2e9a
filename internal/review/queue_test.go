package review_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// TestConcurrentIntake sends many reviews at once, several of the same
// case: the writer's groups accept one per case and channel, refuse the
// others with their reason without failing the rest, and every accepted
// review is stored.
func TestConcurrentIntake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted, refused := 0, 0
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := f.submit(fmt.Sprintf("C%03d", i%10+1), review.Satisfied, "")
				s.Device, s.Addr = fmt.Sprintf("phone-%d", i), fmt.Sprintf("10.1.0.%d", i)
				_, err := f.svc.Submit(ctx, s)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					accepted++
				case errs.Is(err, errs.Conflict):
					refused++
				default:
					t.Errorf("review %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if accepted != 10 || refused != 30 {
			t.Errorf("accepted %d, refused %d; want one per case (10) and 30 refused", accepted, refused)
		}
		if n := f.count(t, "reviews"); n != accepted {
			t.Errorf("stored %d reviews, accepted %d", n, accepted)
		}
	})
}
