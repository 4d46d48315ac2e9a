package demo

import (
	"context"
	"testing"

	"kaohe/internal/db/dbtest"
)

// TestValues checks the demo values: three years for every county, in
// line with the category, revenue consistent across years, and 2025
// petitions missing for two counties.
func TestValues(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := Build(ctx, d, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	q := func(query string, args ...any) float64 {
		t.Helper()
		var v float64
		if err := d.SQL.QueryRow(query, args...).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if n := q(`SELECT count(DISTINCT period) FROM data_values WHERE item_code = 'GDP_TOTAL'`); n != 3 {
		t.Fatalf("GDP_TOTAL periods: %v, want 3", n)
	}
	avg := func(cat string) float64 {
		return q(`SELECT avg(v.value) FROM data_values v JOIN units u ON u.id = v.entity_id JOIN categories c ON c.id = u.category_id
			WHERE v.item_code = 'FOREST_COVER' AND v.period = '2025' AND c.code = $1`, cat)
	}
	if eco, urban := avg("eco"), avg("urban"); eco < urban+20 {
		t.Fatalf("forest cover: 生态功能区 %.1f, 城区 %.1f; want the eco zones far higher", eco, urban)
	}
	if n := q(`SELECT count(*) FROM data_values p JOIN data_values c ON c.entity_id = p.entity_id
		WHERE p.item_code = 'REVENUE' AND p.period = '2024' AND c.item_code = 'REVENUE_PREV' AND c.period = '2025' AND p.value <> c.value`); n != 0 {
		t.Fatalf("%v counties whose 2025 REVENUE_PREV is not their 2024 REVENUE", n)
	}
	counties := q(`SELECT count(DISTINCT entity_id) FROM data_values WHERE item_code = 'GDP_TOTAL'`)
	if n := q(`SELECT count(*) FROM data_values WHERE item_code = 'PETITIONS' AND period = '2025'`); n != counties-2 {
		t.Fatalf("2025 petitions of %v counties, want %v", n, counties-2)
	}
	// The delivery rates of commitments come from the track system, the
	// review rates from the review system (a new version whenever a work
	// order closes), the rate of rectification on time from feedback; the
	// feedback step corrects 清河区's 2025 森林覆盖率 on appeal.
	if n := q(`SELECT count(*) FROM data_values WHERE (submitter_id <> 0 OR source <> 'api' OR NOT is_current)
		AND source NOT IN ('track', 'review', 'feedback') AND NOT (item_code = 'FOREST_COVER' AND period = '2025')`); n != 0 {
		t.Fatalf("%v values not from the demo's providers or systems", n)
	}
}
