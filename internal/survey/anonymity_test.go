package survey_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/survey"
)

// columns returns the column names of a table.
func columns(t *testing.T, d *db.DB, table string) []string {
	t.Helper()
	rows, err := d.SQL.Query(`SELECT * FROM ` + table + ` WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// TestBallotSchemaHasNoLink asserts that nothing in the tables of cast
// ballots can link a ballot to a code or a rater.
func TestBallotSchemaHasNoLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		got := columns(t, d, "ballots")
		want := []string{"id", "evaluation_id", "group_code", "day", "valid", "invalid_rule", "answers"}
		if !slices.Equal(got, want) {
			t.Fatalf("ballots columns: got %v, want exactly %v (a new column must not link a ballot to a code, rater or time)", got, want)
		}
		// The code tables say nothing about ballots or times of use.
		for table, want := range map[string][]string{
			"ballot_codes":   {"code", "evaluation_id", "group_code", "serial"},
			"code_sets":      {"evaluation_id", "group_code", "issued", "used_count", "used"},
			"survey_devices": {"evaluation_id", "device_hash"},
		} {
			if got := columns(t, d, table); !slices.Equal(got, want) {
				t.Errorf("%s columns: got %v, want %v", table, got, want)
			}
		}
		// No foreign key from ballots to codes, devices, users or people, in
		// the migration that defines them.
		if d.Engine == db.SQLite {
			var ddl string
			if err := d.SQL.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'ballots'`).Scan(&ddl); err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"ballot_codes", "code_sets", "survey_devices", "users", "people", "sessions"} {
				if strings.Contains(ddl, bad) {
					t.Errorf("ballots DDL references %s:\n%s", bad, ddl)
				}
			}
		}
	})
}

// TestBallotOrderIsNotCodeOrder casts ballots in a known order of codes
// and checks that neither the IDs nor the stored order of the ballots
// follow it, and that the code rows are untouched by use.
func TestBallotOrderIsNotCodeOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 1)
		const n = 120
		e, codes := f.evaluation(t, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: n})
		snapshot := func() string {
			rows, err := d.SQL.Query(`SELECT code, evaluation_id, group_code, serial FROM ballot_codes ORDER BY code`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var b strings.Builder
			for rows.Next() {
				var c, g string
				var id, serial int64
				rows.Scan(&c, &id, &g, &serial)
				fmt.Fprintln(&b, c, id, g, serial)
			}
			return b.String()
		}
		before := snapshot()
		// The ballots are identical, so a ballot is known by the ID that
		// appears after each cast: castOrder is the order of code use.
		cs := codes[survey.GroupSuperior]
		seen := map[int64]bool{}
		var castOrder []int64 // ballot IDs in the order of code use
		for k := range n {
			if err := f.s.Submit(ctx, cs[k].Code, survey.Submission{Answers: fill(e, second)}); err != nil {
				t.Fatal(err)
			}
			ids := ballotIDs(t, d, "SELECT id FROM ballots ORDER BY id")
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					castOrder = append(castOrder, id)
				}
			}
		}
		if snapshot() != before {
			t.Fatal("ballot_codes rows changed when codes were used; use must only set a bit of code_sets")
		}
		// The last k ballots stay sealed until closing (decision 0160).
		want := n - survey.DefaultMinGroupSize
		check := func(what, query string) {
			t.Helper()
			got := ballotIDs(t, d, query)
			if len(got) != want {
				t.Fatalf("%s: got %d ballots, want %d", what, len(got), want)
			}
			if rho := spearman(castOrder, got); rho > 0.5 || rho < -0.5 {
				t.Errorf("%s: the stored order follows the order of code use (Spearman ρ = %.2f)", what, rho)
			}
		}
		check("ordered by id", "SELECT id FROM ballots ORDER BY id")
		if d.Engine == db.SQLite {
			// The file's own order (rowid) is the random ID, from the start.
			check("sqlite rowid order", "SELECT id FROM ballots ORDER BY rowid")
			check("sqlite scan order", "SELECT id FROM ballots NOT INDEXED")
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range ballotIDs(t, d, "SELECT id FROM ballots ORDER BY id") {
			if !seen[id] {
				seen[id] = true
				castOrder = append(castOrder, id)
			}
		}
		want = n
		// After closing, the physical order of rows (what a dump shows)
		// follows the random IDs on both engines.
		check("scan order after close", "SELECT id FROM ballots")
		if d.Engine == db.Postgres {
			check("heap order after close", "SELECT id FROM ballots ORDER BY ctid")
			var xmins int
			if err := d.SQL.QueryRow(`SELECT COUNT(DISTINCT xmin::text) FROM ballots`).Scan(&xmins); err != nil {
				t.Fatal(err)
			}
			if xmins != 1 {
				t.Errorf("after close: ballots carry %d transaction ids, want 1 (the closing one)", xmins)
			}
		}
		// A day, never a time.
		var days []string
		rows, _ := d.SQL.Query(`SELECT DISTINCT day FROM ballots`)
		for rows.Next() {
			var s string
			rows.Scan(&s)
			days = append(days, s)
		}
		rows.Close()
		if len(days) != 1 || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(days[0]) {
			t.Errorf("days: got %v, want one date", days)
		}
	})
}

func ballotIDs(t *testing.T, d *db.DB, query string) []int64 {
	t.Helper()
	rows, err := d.SQL.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// spearman is the rank correlation between the positions of the same IDs
// in two orders.
func spearman(a, b []int64) float64 {
	pos := map[int64]int{}
	for i, id := range b {
		pos[id] = i
	}
	n := float64(len(a))
	sum := 0.0
	for i, id := range a {
		d := float64(i - pos[id])
		sum += d * d
	}
	return 1 - 6*sum/(n*(n*n-1))
}

// TestCodeUsedOnceConcurrently races many goroutines to use the same codes.
func TestCodeUsedOnceConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 3)
		const codesN, racers = 40, 5
		e, codes := f.evaluation(t, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: codesN})
		answers := fill(e, second)
		type job struct{ code string }
		jobs := make([]job, 0, codesN*racers)
		for _, c := range codes[survey.GroupSuperior] {
			for range racers {
				jobs = append(jobs, job{c.Code})
			}
		}
		rand.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
		var (
			wg             sync.WaitGroup
			mu             sync.Mutex
			ok             = map[string]int{}
			used, failures int
		)
		for _, j := range jobs {
			wg.Go(func() {
				err := f.s.Submit(ctx, j.code, survey.Submission{Answers: answers})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok[j.code]++
				case errs.Is(err, errs.Conflict):
					used++
				default:
					failures++
					t.Errorf("submit: %v", err)
				}
			})
		}
		wg.Wait()
		if len(ok) != codesN || used != codesN*(racers-1) || failures != 0 {
			t.Errorf("got %d codes accepted, %d refused as used, %d failures; want %d, %d, 0", len(ok), used, failures, codesN, codesN*(racers-1))
		}
		for c, k := range ok {
			if k != 1 {
				t.Errorf("code %s accepted %d times", c, k)
			}
		}
		var ballots, usedCount int
		if err := d.View(ctx, func(tx *db.Tx) (err error) {
			ballots, err = survey.BallotCount(ctx, tx, e.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		d.SQL.QueryRow(`SELECT used_count FROM code_sets WHERE group_code = 'superior'`).Scan(&usedCount)
		if ballots != codesN || usedCount != codesN {
			t.Errorf("got %d ballots, used_count %d; want %d", ballots, usedCount, codesN)
		}
	})
}
