package survey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestAttackDatabaseFiles plays someone who holds the database's files:
// raters cast ballots one at a time, and after each ballot (and after
// closing) the attacker copies the files — SQLite's main file and WAL, or
// the PostgreSQL WAL written since the evaluation opened, read as the
// superuser does with pg_read_binary_file — and reads the tables with
// their physical row order (rowid, ctid) and transaction ids (xmin). Every
// ballot has answers of its own, so the test knows which submission each
// content came from. It fails when any ballot's content can be tied to
// fewer than k submissions of its group (k the minimum group size; the
// whole group when it has fewer): by the copy in which the content first
// shows, by its place in the WAL, by rowid or ctid order, or by xmin.
func TestAttackDatabaseFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 1)
		keys := t.TempDir()
		if err := f.s.SetKeyDir(keys); err != nil {
			t.Fatal(err)
		}
		const k = survey.DefaultMinGroupSize
		per := map[survey.GroupCode]int{survey.GroupSuperior: 23, survey.GroupSubordinate: 7}
		e, codes := f.evaluation(t, survey.Rules{}, twoGroups, per)
		files := newFileCopier(t, d)

		// The submissions alternate between the groups; submission j has
		// answers of its own (j in base 4 over the eight items).
		type cast struct {
			group   survey.GroupCode
			content []byte // the answers as the ballots table holds them
		}
		var casts []cast
		for i := range per[survey.GroupSuperior] {
			for _, g := range []survey.GroupCode{survey.GroupSuperior, survey.GroupSubordinate} {
				if i < len(codes[g]) {
					casts = append(casts, cast{group: g})
				}
			}
		}
		seen := map[string]*sighting{}
		look := func(step int) {
			t.Helper()
			raw := files.copy(t)
			for j, c := range casts[:min(step+1, len(casts))] {
				if s := seen[string(c.content)]; s == nil {
					if at := bytes.Index(raw, c.content); at >= 0 {
						seen[string(c.content)] = &sighting{cast: j, group: c.group, step: step, offset: at}
					}
				}
			}
			for _, r := range tableRows(t, d) {
				if s := seen[r.answers]; s != nil && s.step == step {
					s.place, s.xmin = r.place, r.xmin
				}
			}
			if key, err := os.ReadFile(filepath.Join(keys, fmt.Sprint(e.ID)+".key")); err == nil {
				if bytes.Contains(raw, key) || bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(key))) {
					t.Fatalf("after submission %d: the ballot key is in the database's files", step+1)
				}
			}
			var lengths int
			if err := d.SQL.QueryRow(`SELECT count(DISTINCT length(box)) FROM sealed_ballots`).Scan(&lengths); err != nil || lengths > 1 {
				t.Fatalf("after submission %d: sealed ballots of %d lengths (%v); their length would tell them apart", step+1, lengths, err)
			}
		}
		next := map[survey.GroupCode]int{}
		for j := range casts {
			c := &casts[j]
			answers := fill(e, second)
			for i := range answers {
				sub := &e.Subjects[slices.IndexFunc(e.Subjects, func(s survey.Subject) bool { return s.ID == answers[i].Subject })]
				answers[i].Grade = sub.Q().Item(answers[i].Item).Scale.Grades[(j>>(2*i))&3].Label
			}
			var err error
			if c.content, err = json.Marshal(answers); err != nil {
				t.Fatal(err)
			}
			code := codes[c.group][next[c.group]]
			next[c.group]++
			if err := f.s.Submit(ctx, code.Code, survey.Submission{Answers: answers}); err != nil {
				t.Fatalf("submission %d: %v", j+1, err)
			}
			look(j)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		look(len(casts))

		// The anonymity set of a ballot: the ballots of its group whose
		// contents first showed in the same copy, in the order they were
		// cast.
		sets := map[[2]string][]*sighting{}
		for _, c := range casts {
			s := seen[string(c.content)]
			if s == nil {
				t.Fatalf("a ballot of %s never showed in the files", c.group)
			}
			when := fmt.Sprintf("after submission %d", s.step+1)
			if s.step == len(casts) {
				when = "after closing"
			}
			key := [2]string{when, string(s.group)}
			sets[key] = append(sets[key], s)
		}
		ordered := map[string]int{}
		multi := 0
		for key, set := range sets {
			if want := min(k, per[set[0].group]); len(set) < want {
				t.Errorf("%s, %d ballot(s) of %s showed in the files together: each is tied to fewer than %d submissions",
					key[0], len(set), key[1], want)
			}
			if len(set) < 2 {
				continue
			}
			multi++
			xmins := map[int64]bool{}
			for _, s := range set {
				xmins[s.xmin] = true
			}
			if len(xmins) > 1 {
				t.Errorf("%s: the ballots of %s that showed together carry %d transaction ids", key[0], key[1], len(xmins))
			}
			// An order an attacker can read ties the ballots to their
			// submissions when it is the order they were cast in.
			for name, by := range map[string]func(*sighting) int{
				"WAL order": func(s *sighting) int { return s.offset }, "rowid/ctid order": func(s *sighting) int { return s.place },
			} {
				if slices.IsSortedFunc(set, func(a, b *sighting) int { return by(a) - by(b) }) ||
					slices.IsSortedFunc(set, func(a, b *sighting) int { return by(b) - by(a) }) {
					ordered[name]++
				}
			}
		}
		for name, n := range ordered {
			if multi > 1 && n == multi {
				t.Errorf("%s: in every batch of ballots the order follows the order of casting", name)
			}
		}
	})
}

// sighting is where the attacker first saw a ballot's content.
type sighting struct {
	cast  int // the submission it came from (the test's knowledge)
	group survey.GroupCode
	step  int // the copy it first showed in: after submission step+1
	// offset is where in the copy's bytes; place the row's physical
	// place (rowid, or ctid as block × 2¹⁶ + item) and xmin its
	// transaction id (PostgreSQL), read in that copy.
	offset, place int
	xmin          int64
}

// tableRow is a row of ballots as a superuser reads it.
type tableRow struct {
	answers string
	place   int
	xmin    int64
}

func tableRows(t *testing.T, d *db.DB) []tableRow {
	t.Helper()
	q := `SELECT answers, rowid, 0 FROM ballots`
	if d.Engine == db.Postgres {
		q = `SELECT answers, ((ctid::text::point)[0] * 65536 + (ctid::text::point)[1])::bigint, xmin::text::bigint FROM ballots`
	}
	rows, err := d.SQL.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []tableRow
	for rows.Next() {
		var r tableRow
		if err := rows.Scan(&r.answers, &r.place, &r.xmin); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// fileCopier copies what a database administrator or a backup holds.
type fileCopier struct {
	d *db.DB
	// path is the SQLite file; from the PostgreSQL WAL position read up
	// to, and wal what was read from it so far.
	path string
	from string
	wal  []byte
}

func newFileCopier(t *testing.T, d *db.DB) *fileCopier {
	t.Helper()
	c := &fileCopier{d: d}
	if d.Engine == db.SQLite {
		c.path = strings.TrimPrefix(d.String(), "sqlite ")
		return c
	}
	if err := d.SQL.QueryRow(`SELECT pg_current_wal_lsn()::text`).Scan(&c.from); err != nil {
		t.Fatal(err)
	}
	return c
}

// copy returns the bytes of the files now: SQLite's main file and WAL,
// or every PostgreSQL WAL byte written since the copier began.
func (c *fileCopier) copy(t *testing.T) []byte {
	t.Helper()
	if c.d.Engine == db.SQLite {
		var out []byte
		for _, p := range []string{c.path, c.path + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
		return out
	}
	// A server may commit asynchronously (synchronous_commit = off):
	// a synchronous commit of a transaction that writes WAL of its own
	// (a logical message) writes out the WAL before it, so that the copy
	// holds every submission so far.
	tx, err := c.d.SQL.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var to string
	if _, err := tx.Exec(`SET LOCAL synchronous_commit = on`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT pg_logical_emit_message(true, 'kaohe-test', 'copy')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := c.d.SQL.QueryRow(`SELECT pg_current_wal_lsn()::text`).Scan(&to); err != nil {
		t.Fatal(err)
	}
	// Read segment by segment, from where the last copy ended.
	for {
		var (
			file      string
			off, left int64
		)
		// pg_walfile_name names the segment before a boundary for a
		// position on it; the byte after it is in the right one.
		err := c.d.SQL.QueryRow(`SELECT pg_walfile_name($1::pg_lsn + 1), file_offset,
			LEAST(pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn), 16777216 - file_offset)::bigint
			FROM pg_walfile_name_offset($1::pg_lsn)`, c.from, to).Scan(&file, &off, &left)
		if err != nil {
			t.Fatal(err)
		}
		if left <= 0 {
			return c.wal
		}
		var chunk []byte
		if err := c.d.SQL.QueryRow(`SELECT pg_read_binary_file('pg_wal/' || $1, $2, $3)`, file, off, left).Scan(&chunk); err != nil {
			t.Fatal(err)
		}
		c.wal = append(c.wal, withoutPageHeaders(chunk, off)...)
		if err := c.d.SQL.QueryRow(`SELECT ($1::pg_lsn + $2::numeric)::text`, c.from, left).Scan(&c.from); err != nil {
			t.Fatal(err)
		}
	}
}

// withoutPageHeaders drops the page headers from chunk, WAL bytes read
// from offset off of a segment, so that a record that crosses a page is
// contiguous again: 40 bytes at the start of a segment, 24 at the start
// of each other 8 KiB page.
func withoutPageHeaders(chunk []byte, off int64) []byte {
	const page = 8192
	var out []byte
	for pos, end := off, off+int64(len(chunk)); pos < end; {
		if pos%page == 0 {
			pos += 24
			if pos == 24 {
				pos = 40
			}
			continue
		}
		next := min((pos/page+1)*page, end)
		out = append(out, chunk[pos-off:next-off]...)
		pos = next
	}
	return out
}
