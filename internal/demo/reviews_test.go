package demo

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestDemoReviews builds the demo and checks its 好差评: work orders in
// every state, some overdue and escalated, a burst held by the fraud
// checks, an appeal waiting, and the 2025 rates published by the review
// system for every 政务服务中心.
func TestDemoReviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := Build(context.Background(), d, Options{Seed: 1, Scale: 1}); err != nil {
			t.Fatal(err)
		}
		q := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := d.SQL.QueryRow(query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		for _, st := range []string{"received", "verifying", "rectifying", "replied", "visited", "closed"} {
			if n := q(`SELECT count(*) FROM review_orders WHERE state = $1`, st); n == 0 {
				t.Errorf("no work order is %s", st)
			}
		}
		if n := q(`SELECT count(*) FROM review_orders WHERE escalated_on <> ''`); n == 0 {
			t.Errorf("no overdue work order was escalated")
		}
		if n := q(`SELECT count(*) FROM review_orders WHERE state = 'closed' AND closed_in_sla = 0`); n == 0 {
			t.Errorf("no work order was closed late")
		}
		if n := q(`SELECT count(*) FROM reviews WHERE status = 'held' AND flags LIKE '%burst%'`); n == 0 {
			t.Errorf("the burst held nothing")
		}
		if n := q(`SELECT count(*) FROM review_appeals WHERE status = 'pending'`); n != 1 {
			t.Errorf("pending appeals: got %d, want 1", n)
		}
		units := q(`SELECT count(DISTINCT unit_id) FROM service_items`)
		if n := q(`SELECT count(*) FROM data_values WHERE item_code = 'review.rectify_rate' AND period = '2025' AND is_current = $1`, true); n != units {
			t.Errorf("2025 差评整改率 of %d units, want all %d", n, units)
		}
	})
}
