package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
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

	page := base + "/r/" + db.FormatID(item.ID)
	client := &http.Client{Timeout: 10 * time.Second}
	acked := killDuring(t, cmd, n, n/3, func(k int) (string, error) {
		number := cases[k].Number
		form := url.Values{"number": {number}, "level": {[]string{"very_satisfied", "satisfied", "fair"}[k%3]}}
		res, err := client.Post(page, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			return "", err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return "", fmt.Errorf("review %s: %d", number, res.StatusCode)
		}
		return number, nil
	})

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
	for number := range acked {
		if stored[number] != 1 {
			t.Errorf("acknowledged review of case %s: stored %d times after kill -9, want once", number, stored[number])
		}
	}
	t.Logf("%d reviews stored", len(stored))
}
