package demo

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestDemoTrack checks the demo's commitments and monitors: every county
// team and team cadre has 2025 commitments, most verified, their delivery
// rates published; the second county lags in red on 规上工业增加值.
func TestDemoTrack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := Build(ctx, d, Options{Seed: 1}); err != nil {
			t.Fatal(err)
		}
		q := func(query string) int {
			t.Helper()
			var n int
			if err := d.SQL.QueryRow(query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		counties := q(`SELECT count(DISTINCT unit_id) FROM monitors`)
		if teams := q(`SELECT count(DISTINCT unit_id) FROM commitments WHERE owner_kind = 'unit' AND year = 2025`); teams != counties || teams < 5 {
			t.Errorf("commitments of %d county teams, %d monitored counties", teams, counties)
		}
		all, verified := q(`SELECT count(*) FROM commitments`), q(`SELECT count(*) FROM commitments WHERE stage = 'verified'`)
		if verified*2 < all || q(`SELECT count(*) FROM commitments WHERE stage = 'proved'`) == 0 || q(`SELECT count(*) FROM commitments WHERE status <> 'approved'`) == 0 {
			t.Errorf("%d of %d commitments verified; want most, some waiting, some in review", verified, all)
		}
		if n := q(`SELECT count(*) FROM data_values WHERE item_code IN ('TRACK_DELIVERY_TEAM', 'TRACK_DELIVERY_CADRE') AND source = 'track'`); n < counties {
			t.Errorf("%d delivery rates published", n)
		}
		if n, latent := q(`SELECT count(*) FROM ledger_entries`), q(`SELECT count(*) FROM ledger_entries WHERE latent`); n < 200 || latent == 0 {
			t.Errorf("%d ledger entries, %d 潜绩; want a few hundred and some 潜绩", n, latent)
		}
		if n := q(`SELECT count(*) FROM monitor_alerts a JOIN monitors m ON m.id = a.monitor_id WHERE a.closed_at = 0 AND a.status = 'red'
			AND m.item_code = 'INDUSTRY_VALUE_M'`); n != 1 {
			t.Errorf("%d red alerts on 规上工业增加值, want 1", n)
		}
	})
}
