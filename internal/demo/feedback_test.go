package demo_test

import (
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestFeedback: the 2025 county team cycle has two snapshot versions, the
// second published after 清河区's appeal was corrected, with the first's
// reports superseded and the second's released; two tasks done on time,
// one overdue and escalated, one under way; the rate on time published.
func TestFeedback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1}); err != nil {
			t.Fatal(err)
		}
		q := func(query string) int {
			t.Helper()
			var n int
			if err := d.SQL.QueryRow(query).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		for query, want := range map[string]int{
			`SELECT count(*) FROM snapshot_revisions v JOIN cycles c ON c.id = v.cycle_id AND c.published_snapshot_id = v.to_snapshot_id
				WHERE c.code = 'qingzhou-county-2025'`: 1,
			`SELECT count(*) FROM appeals WHERE status = 'corrected' AND revision_id <> 0`:                      1,
			`SELECT count(*) FROM rectification_tasks WHERE status = 'done' AND submitted_on <= deadline`:       2,
			`SELECT count(*) FROM rectification_tasks WHERE status = 'open' AND escalated_at <> 0`:              1,
			`SELECT count(*) FROM rectification_tasks WHERE status = 'open' AND escalated_at = 0`:               1,
			`SELECT count(*) FROM notifications WHERE kind = 'task_escalated'`:                                  1,
			`SELECT count(*) FROM data_values WHERE item_code = 'feedback.team_rectify_on_time' AND is_current`: 3,
		} {
			if got := q(query); got != want {
				t.Errorf("%s: got %d, want %d", query, got, want)
			}
		}
		if released, all := q(`SELECT count(*) FROM feedback_reports WHERE status <> 'draft'`), q(`SELECT count(*) FROM feedback_reports`); released != all || all == 0 {
			t.Errorf("%d of %d reports released", released, all)
		}
	})
}
