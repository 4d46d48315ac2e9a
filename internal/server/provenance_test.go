package server

import (
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestExplanationShowsProvenance checks that each leaf of a result's
// decomposition says where its value came from — the item's owner, how the
// value arrived and its version when the snapshot was made — and links to
// the value's history; a version written after the run does not change
// what the explanation says the run read.
func TestExplanationShowsProvenance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		// A correction after the run is not what the run read.
		if _, err := d.SQL.Exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
			version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, 'Q1', '2025', 99, 'form', 0, 'submitted', 2, FALSE, '更正', FALSE, $3)`,
			db.NewID(), f.inPerson.ID, d.Clock().Add(1e9).UnixMicro()); err != nil {
			t.Fatal(err)
		}
		for _, login := range []string{"office", "cadre"} {
			c := f.signIn(t, login)
			_, body := f.get(t, c, fmt.Sprintf("/cycles/%d/results/%s", co.in, co.me))
			for _, want := range []string{
				fmt.Sprintf(`<a class="muted" href="/collect/history?entity=%d&amp;item=Q1">来源：甲市·接口·第 1 版</a>`, f.inPerson.ID),
				fmt.Sprintf(`href="/collect/history?entity=%d&amp;item=Q3">来源：甲市·接口·第 1 版</a>`, f.inPerson.ID),
			} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: want %s in\n%s", login, want, pageText(body))
				}
			}
			if strings.Contains(body, "第 2 版") {
				t.Errorf("%s: the explanation names a version written after the run", login)
			}
		}
	})
}
