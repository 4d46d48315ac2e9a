package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/review"
)

// TestReviewIntakeKill9 runs `kaohe serve` in a child process on each
// engine, has 16 phones review cases on a service item's public QR page,
// kills the server with SIGKILL in the middle, reopens the database and
// checks that every review the page acknowledged (200, the thank-you
// page) is stored, once (issue #13: kill -9 during intake loses no
// acknowledged review).
func TestReviewIntakeKill9(t *testing.T) {
	dbtest.EachDSN(t, reviewIntakeKill9)
}

func reviewIntakeKill9(t *testing.T, dsn string) {
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := auth.SystemActor("test")
	county, err := org.NewService(d, auth.Policy{}).CreateUnit(ctx, sys, org.Unit{Code: "330102", Name: "甲县", Kind: org.KindRegion, Level: org.LevelCounty})
	if err != nil {
		t.Fatal(err)
	}
	rs := review.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
	item, err := rs.SaveItem(ctx, sys, review.Item{UnitID: county.ID, Code: "110", Name: "不动产登记"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 600
	today := time.Now().In(collect.Beijing).Format(time.DateOnly)
	var cases []review.CaseIn
	for i := range n {
		cases = append(cases, review.CaseIn{Number: fmt.Sprintf("K%05d", i), Item: "110", FinishedOn: today, Channel: "qr"})
	}
	if _, err := rs.ImportCases(ctx, sys, county.ID, cases, "test"); err != nil {
		t.Fatal(err)
	}
	d.Close()

	cmd, base := startServe(t, dsn, filepath.Join(t.TempDir(), "keys"))

	var (
		acked   sync.Map
		nAcked  atomic.Int64
		next    atomic.Int64
		wg      sync.WaitGroup
		killed  atomic.Bool
		killOne sync.Once
		client  = &http.Client{Timeout: 10 * time.Second}
	)
	page := base + "/r/" + db.FormatID(item.ID)
	const killAt = n / 3
	for range 16 {
		wg.Go(func() {
			for {
				k := next.Add(1) - 1
				if k >= n {
					return
				}
				number := cases[k].Number
				form := url.Values{"number": {number}, "level": {[]string{"very_satisfied", "satisfied", "fair"}[k%3]}}
				res, err := client.Post(page, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
				if err != nil {
					if !killed.Load() {
						t.Errorf("review before the kill: %v", err)
					}
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					if !killed.Load() {
						t.Errorf("review %s before the kill: %d", number, res.StatusCode)
					}
					return
				}
				acked.Store(number, true)
				if nAcked.Add(1) == killAt {
					killOne.Do(func() {
						killed.Store(true)
						cmd.Process.Kill() // SIGKILL: no shutdown, no checkpoint
					})
				}
			}
		})
	}
	wg.Wait()
	cmd.Wait()
	if !killed.Load() {
		t.Fatalf("the server was not killed: only %d reviews acknowledged", nAcked.Load())
	}

	d, err = db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	stored := map[string]int{}
	rows, err := d.SQL.Query(`SELECT c.number FROM reviews r JOIN review_cases c ON c.id = r.case_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var number string
		if err := rows.Scan(&number); err != nil {
			t.Fatal(err)
		}
		stored[number]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	acked.Range(func(k, _ any) bool {
		if stored[k.(string)] != 1 {
			t.Errorf("acknowledged review of case %s: stored %d times after kill -9, want once", k, stored[k.(string)])
		}
		return true
	})
	t.Logf("killed after %d acknowledged reviews; %d acknowledged in all, %d stored", killAt, nAcked.Load(), len(stored))
}
