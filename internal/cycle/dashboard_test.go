package cycle_test

import (
	"context"
	"kaohe/internal/sources"
	"maps"
	"reflect"
	"strconv"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/score"
)

// referenceCompleteness counts the collection completeness of c the
// straightforward way: every (entity, item) cell of the cycle's entities
// and the scheme's quantitative leaves, present when data_values holds any
// version of it, of any status, for the cycle's period.
func referenceCompleteness(t *testing.T, w *world, c *cycle.Cycle) cycle.Completeness {
	t.Helper()
	type cell struct {
		entity int64
		item   string
	}
	present := map[cell]bool{}
	rows, err := w.d.SQL.Query(`SELECT entity_id, item_code FROM data_values WHERE period = $1`, c.Period)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k cell
		if err := rows.Scan(&k.entity, &k.item); err != nil {
			t.Fatal(err)
		}
		present[k] = true
	}
	rows.Close()
	required := map[string]bool{}
	rows, err = w.d.SQL.Query(`SELECT code FROM data_items WHERE required`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			t.Fatal(err)
		}
		required[code] = true
	}
	rows.Close()
	var ents []int64
	col, prefix := "person_id", ""
	if c.Subject == cycle.SubjectUnit {
		col, prefix = "unit_id", "U" // the unit scheme's leaves are U…
	}
	rows, err = w.d.SQL.Query(`SELECT `+col+` FROM cycle_entities WHERE cycle_id = $1`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ents = append(ents, id)
	}
	rows.Close()
	parents := map[string]bool{}
	for _, ind := range w.in.Scheme.Indicators {
		parents[ind.Parent] = true
	}
	var out cycle.Completeness
	for _, ind := range w.in.Scheme.Indicators {
		if parents[ind.Code] || ind.Kind != score.KindQuantitative {
			continue
		}
		code := prefix + ind.Code
		for _, e := range ents {
			filled := present[cell{e, code}]
			out.Expected++
			if filled {
				out.Filled++
			}
			if required[code] {
				out.RequiredExpected++
				if filled {
					out.RequiredFilled++
				}
			}
		}
	}
	return out
}

// TestDashboardCompleteness checks the completeness the dashboard reads
// from the counts kept per cycle and item (cycle_item_values) against a
// count of every cell, on a cycle of ten of twelve cadres, with values
// missing, corrected, returned, of another period and of cadres outside
// the cycle — stored before the cycle is made and submitted while it
// collects.
func TestDashboardCompleteness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 4, 3, 2, 6)
		cols := w.in.Values.Cols
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.SQL.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		p := func(i int) int64 { return w.people[i].id }
		// Two required items; cells missing before the cycle; a corrected
		// and a returned value; a value of another period.
		exec(`UPDATE data_items SET required = TRUE WHERE code IN ($1, $2)`, cols[0], cols[3])
		for _, m := range []struct {
			person int
			item   string
		}{{0, cols[0]}, {1, cols[0]}, {2, cols[3]}, {5, cols[1]}, {9, cols[0]}, {11, cols[5]}} {
			exec(`DELETE FROM data_values WHERE entity_id = $1 AND item_code = $2`, p(m.person), m.item)
		}
		exec(`UPDATE data_values SET is_current = FALSE WHERE entity_id = $1 AND item_code = $2`, p(3), cols[2])
		exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
			version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, $3, '2025', 1, 'api', 0, 'submitted', 2, TRUE, '更正', FALSE, 0)`,
			db.NewID(), p(3), cols[2])
		exec(`UPDATE data_values SET status = 'returned' WHERE entity_id = $1 AND item_code = $2`, p(4), cols[3])
		exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
			version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, $3, '2024', 1, 'api', 0, 'submitted', 1, TRUE, '', FALSE, 0)`,
			db.NewID(), p(0), cols[0])

		newCycle := func(code string, people []int64) *cycle.Cycle {
			t.Helper()
			c, err := w.svc.Create(ctx, sys, cycle.Cycle{Code: code, Name: code, Kind: cycle.Annual, Subject: cycle.SubjectPerson,
				OwnerUnitID: w.city.id, SchemeVersionID: w.version, Period: "2025", Draws: 20}, cycle.Selection{PersonIDs: people})
			if err != nil {
				t.Fatal(err)
			}
			if c, err = w.svc.Move(ctx, sys, c.ID, cycle.Collecting, ""); err != nil {
				t.Fatal(err)
			}
			return c
		}
		check := func(step string, c *cycle.Cycle) {
			t.Helper()
			want := referenceCompleteness(t, w, c)
			dash, err := w.svc.Dashboard(ctx, sys, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !dash.CompletenessKnown || dash.Completeness != want {
				t.Fatalf("%s: got %+v, want %+v", step, dash.Completeness, want)
			}
			missing := want.RequiredExpected - want.RequiredFilled
			blocked := len(dash.Blockers) > 0 && dash.Blockers[0].Key == "cycle.blocker.values_missing"
			if blocked != (missing > 0) {
				t.Fatalf("%s: blockers %+v with %d required values missing", step, dash.Blockers, missing)
			}
		}
		c := newCycle("c", w.personIDs()[:10])
		check("made", c)
		if got := referenceCompleteness(t, w, c); got.RequiredExpected-got.RequiredFilled < 4 {
			t.Fatalf("reference %+v: want at least 4 required values missing", got)
		}

		// Submissions while the cycle collects.
		cs := collect.NewService(d, auth.Policy{})
		sources.Counts(cs, w.svc)
		row := func(person int, item, period, value, reason string) collect.Row {
			return collect.Row{Entity: "person:" + strconv.FormatInt(p(person), 10), Item: item, Period: period, Value: value, Reason: reason}
		}
		submit := func(rows ...collect.Row) *collect.Report {
			t.Helper()
			for i := range rows {
				rows[i].Line = i + 2
			}
			rep, err := cs.Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI, Rows: rows})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		// A first value inside the cycle, one outside it, one of another
		// period, and a correction of a value already there.
		rep := submit(row(0, cols[0], "2025", "10", ""), row(11, cols[5], "2025", "3", ""), row(1, cols[0], "2024", "7", ""),
			row(6, cols[4], "2025", "99", "复核后更正"))
		if rep.Inserted != 3 || rep.Corrected != 1 {
			t.Fatalf("report %+v, want 3 inserted, 1 corrected", rep)
		}
		check("submitted", c)

		// Corrections of a value that came in during collection and of one
		// corrected before, and an unchanged row: no count moves.
		rep = submit(row(0, cols[0], "2025", "11", "数据录入错误"), row(3, cols[2], "2025", "2", "再次更正"),
			row(7, cols[1], "2025", strconv.FormatFloat(valueOf(t, d, p(7), cols[1]), 'g', -1, 64), ""))
		if rep.Corrected != 2 || rep.Unchanged != 1 {
			t.Fatalf("report %+v, want 2 corrected, 1 unchanged", rep)
		}
		check("corrected", c)

		// Returned to the provider: still a value, as before; verified too.
		if _, err := cs.Review(ctx, sys, p(0), cols[0], "2025", collect.StatusReturned, "口径不符"); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.Review(ctx, sys, p(8), cols[3], "2025", collect.StatusVerified, ""); err != nil {
			t.Fatal(err)
		}
		check("returned", c)

		// The rest of the missing values of the cycle's cadres, in one
		// batch of several items.
		var rest []collect.Row
		for i := range 10 {
			for _, code := range cols {
				var n int
				if err := d.SQL.QueryRow(`SELECT count(*) FROM data_values WHERE entity_id = $1 AND item_code = $2 AND period = '2025'`,
					p(i), code).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					rest = append(rest, row(i, code, "2025", "5", ""))
				}
			}
		}
		submit(rest...)
		check("complete", c)
		dash, err := w.svc.Dashboard(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dash.Completeness.Filled != dash.Completeness.Expected || len(dash.Blockers) != 0 {
			t.Fatalf("got %+v, blockers %+v, want every cell filled", dash.Completeness, dash.Blockers)
		}

		// A cycle made now, of all twelve, counts what is there.
		check("second cycle", newCycle("c2", w.personIDs()))

		// A unit cycle: the teams' own values count, not their cadres'.
		uc, err := w.svc.Create(ctx, sys, cycle.Cycle{Code: "teams", Name: "teams", Kind: cycle.Annual, Subject: cycle.SubjectUnit,
			OwnerUnitID: w.city.id, SchemeVersionID: w.unitVersion, Period: "2025", Draws: 20}, cycle.Selection{UnitIDs: []int64{w.units[0].id, w.units[1].id, w.units[2].id}})
		if err != nil {
			t.Fatal(err)
		}
		check("unit cycle made", uc)
		unitCode := func(i int) string {
			var code string
			if err := d.SQL.QueryRow(`SELECT code FROM units WHERE id = $1`, w.units[i].id).Scan(&code); err != nil {
				t.Fatal(err)
			}
			return code
		}
		submit(collect.Row{Entity: unitCode(0), Item: "U" + cols[0], Period: "2025", Value: "1"},
			collect.Row{Entity: unitCode(1), Item: "U" + cols[0], Period: "2025", Value: "2"},
			collect.Row{Entity: unitCode(3), Item: "U" + cols[0], Period: "2025", Value: "3"},
			collect.Row{Entity: unitCode(1), Item: "U" + cols[2], Period: "2025", Value: "4"})
		check("unit values", uc)
		check("cadres after unit values", c)

		// The migration's backfill of cycles made before it counts the
		// same.
		kept, backfill := map[string]int{}, map[string]int{}
		read := func(into map[string]int, q string) {
			t.Helper()
			rows, err := d.SQL.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var cy int64
				var item string
				var n int
				if err := rows.Scan(&cy, &item, &n); err != nil {
					t.Fatal(err)
				}
				into[strconv.FormatInt(cy, 10)+"/"+item] = n
			}
		}
		read(kept, `SELECT cycle_id, item_code, filled FROM cycle_item_values`)
		read(backfill, `SELECT c.id, v.item_code, count(DISTINCT v.entity_id) FROM cycles c
			JOIN cycle_entities e ON e.cycle_id = c.id
			JOIN data_values v ON v.period = c.period AND v.entity_id = CASE WHEN c.subject = 'unit' THEN e.unit_id ELSE e.person_id END
			GROUP BY c.id, v.item_code`)
		if !maps.Equal(kept, backfill) {
			t.Fatalf("kept counts %v, backfill %v", kept, backfill)
		}
	})
}

// valueOf returns the current value of item for entity in 2025.
func valueOf(t *testing.T, d *db.DB, entity int64, item string) float64 {
	t.Helper()
	var v float64
	if err := d.SQL.QueryRow(`SELECT value FROM data_values WHERE entity_id = $1 AND item_code = $2 AND period = '2025' AND is_current`,
		entity, item).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDashboardDistributions checks that the histograms stored with a
// snapshot, which a reader of the whole cycle gets, equal the ones binned
// from the result rows, which a reader of part of it gets (and a snapshot
// made before snapshot_bins).
func TestDashboardDistributions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 6, 20, 3, 8)
		c := w.advance(t, w.cycle(t, "c", cycle.Annual, "2025", nil), cycle.Published)
		office := w.actor(auth.RoleOffice, w.city, 0)
		stored, err := w.svc.Distributions(ctx, office, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM snapshot_bins WHERE snapshot_id = $1`, c.PublishedSnapshotID).Scan(&n); err != nil || n == 0 {
			t.Fatalf("%d stored bins (%v), want some", n, err)
		}
		if _, err := d.SQL.Exec(`DELETE FROM snapshot_bins`); err != nil {
			t.Fatal(err)
		}
		binned, err := w.svc.Distributions(ctx, office, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 3 || !reflect.DeepEqual(stored, binned) {
			t.Fatalf("stored histograms %+v, binned from the results %+v", stored, binned)
		}
		total := 0
		for _, ds := range stored {
			total += ds.N
		}
		if total != 120 {
			t.Fatalf("histograms count %d entities, want 120", total)
		}
	})
}
