package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/review"
)

// BenchmarkReviewIntake posts public reviews to the QR page over HTTP on
// loopback (SQLite), 32 phones at once, each review a case of its own,
// for KAOHE_BENCH_SECONDS (default 5) seconds; it reports reviews/s, the
// 99th-percentile latency and the errors (any is a failure).
func BenchmarkReviewIntake(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	sys := auth.SystemActor("bench")
	county, err := org.NewService(d, auth.Policy{}).CreateUnit(ctx, sys, org.Unit{Code: "330102", Name: "甲县", Kind: org.KindRegion, Level: org.LevelCounty})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: d, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	rs := review.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
	it, err := rs.SaveItem(ctx, sys, review.Item{UnitID: county.ID, Code: "110", Name: "不动产登记"})
	if err != nil {
		b.Fatal(err)
	}
	const cases = 200_000
	for start := 0; start < cases; start += 50_000 {
		var cs []review.CaseIn
		for i := start; i < start+50_000; i++ {
			cs = append(cs, review.CaseIn{Number: fmt.Sprintf("H%07d", i), Item: "110", FinishedOn: "2026-02-27", Channel: "qr"})
		}
		if _, err := rs.ImportCases(ctx, sys, county.ID, cs, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	seconds := benchSeconds()
	path := ts.URL + "/r/" + fmt.Sprint(it.ID)
	levels := []string{"very_satisfied", "satisfied", "fair", "very_satisfied"}
	var next, errors atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	for b.Loop() {
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		var wg sync.WaitGroup
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &http.Client{}
				var mine []time.Duration
				for time.Now().Before(deadline) {
					i := next.Add(1)
					if i >= cases {
						return
					}
					form := url.Values{"number": {fmt.Sprintf("H%07d", i)}, "level": {levels[i%4]}}
					t0 := time.Now()
					res, err := c.Post(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
					if err != nil {
						errors.Add(1)
						continue
					}
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						errors.Add(1)
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/(float64(seconds)*float64(b.N)), "reviews/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(errors.Load()), "errors")
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM reviews`).Scan(&n); err != nil || n != len(lat)-int(errors.Load()) {
		b.Errorf("stored %d reviews (%v), acknowledged %d", n, err, len(lat)-int(errors.Load()))
	}
}

// benchSeconds is KAOHE_BENCH_SECONDS, default 5.
func benchSeconds() int {
	if n, err := strconv.Atoi(os.Getenv("KAOHE_BENCH_SECONDS")); err == nil && n > 0 {
		return n
	}
	return 5
}
