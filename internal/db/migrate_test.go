package db_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// oldMigrations are the migration files as the release up to commit e67b86d
// shipped them: 00042 and 00043 named 00035 and 00036. Only the files whose
// (old) version is in versions are included; nil means all.
// lastOld is the newest migration of the release that numbered the cycle
// dashboard's migrations 00035 and 00036 (as 00043, after renumbering).
const lastOld = 43

// newerMigrations counts the migrations made after that release.
func newerMigrations(t *testing.T) int {
	t.Helper()
	files, err := fs.ReadDir(db.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if v, err := goose.NumericComponent(f.Name()); err == nil && v > lastOld {
			n++
		}
	}
	return n
}

// latestMigration is the highest version among the migrations: the
// schema version once they are all applied, whether or not the numbers
// run without a gap (branches reserve numbers ahead of their merge).
func latestMigration(t *testing.T) int64 {
	t.Helper()
	files, err := fs.ReadDir(db.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var latest int64
	for _, f := range files {
		if v, err := goose.NumericComponent(f.Name()); err == nil {
			latest = max(latest, v)
		}
	}
	return latest
}

func oldMigrations(t *testing.T, versions []int64) fstest.MapFS {
	t.Helper()
	sub, err := fs.Sub(db.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.ReadDir(sub, ".")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, f := range files {
		name := f.Name()
		if v, err := goose.NumericComponent(name); err != nil || v > lastOld {
			continue // made after that release
		}
		name = strings.Replace(name, "00042_", "00035_", 1)
		name = strings.Replace(name, "00043_", "00036_", 1)
		v, err := goose.NumericComponent(name)
		if err != nil {
			t.Fatal(err)
		}
		if versions != nil && !slices.Contains(versions, v) {
			continue
		}
		data, err := fs.ReadFile(sub, f.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}

// oldUp migrates d as the old release did: goose over fsys, out of order
// allowed.
func oldUp(t *testing.T, d *db.DB, fsys fs.FS) {
	t.Helper()
	dialect := goose.DialectSQLite3
	if d.Engine == db.Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, d.SQL, fsys, goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatalf("old release migrate: %v", err)
	}
}

// gooseVersions lists the versions in goose's table in the order they were
// recorded, without the zero row.
func gooseVersions(t *testing.T, d *db.DB) []int64 {
	t.Helper()
	rows, err := d.SQL.Query(`SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func exec(t *testing.T, d *db.DB, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if _, err := d.SQL.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestMigrateFromOutOfOrderRelease builds databases as the release that
// numbered the cycle dashboard's migrations 00035 and 00036 left them, and
// checks that Migrate renumbers them to 42 and 43 without applying them
// again.
func TestMigrateFromOutOfOrderRelease(t *testing.T) {
	var upTo41 []int64 // every old version but 35 and 36
	for v := range int64(42) {
		if v != 35 && v != 36 {
			upTo41 = append(upTo41, v)
		}
	}
	upTo41And35 := append(slices.Clone(upTo41), 35)
	tests := []struct {
		name string
		// steps are the sets of old versions available to each run of the
		// old release, in order; nil is all of them.
		steps [][]int64
		// bins: 00036 had been applied, so snapshot_bins exists.
		bins bool
		// applied is how many migrations Migrate should apply.
		applied int
	}{
		{"fresh", [][]int64{nil}, true, 0},
		{"upgraded", [][]int64{upTo41, nil}, true, 0},
		{"upgraded, stopped after 35", [][]int64{upTo41, upTo41And35}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				for _, vs := range tt.steps {
					oldUp(t, d, oldMigrations(t, vs))
				}
				exec(t, d,
					`INSERT INTO units (id, path, code, name, kind, level, created_at, updated_at)
						VALUES (1, '/1/', 'u1', 'U', 'region', 'city', 0, 0)`,
					`INSERT INTO schemes (id, code, name, subject, owner_unit_id, created_at, updated_at)
						VALUES (2, 's', 'S', 'unit', 1, 0, 0)`,
					`INSERT INTO scheme_versions (id, scheme_id, number, document, digest, reason, author_id, author, status, locked, created_at, updated_at)
						VALUES (3, 2, 1, '{}', 'd', '', 0, 'a', 'active', true, 0, 0)`,
					`INSERT INTO cycles (id, code, name, kind, subject, owner_unit_id, owner_path, scheme_version_id, period, stage, draws, seed, entities, created_at, updated_at)
						VALUES (4, 'c', 'C', 'ordinary', 'unit', 1, '/1/', 3, '2025', 'collecting', 100, 7, 0, 0, 0)`,
					`INSERT INTO cycle_item_values (cycle_id, item_code, filled) VALUES (4, 'gdp', 17)`,
				)
				if tt.bins {
					exec(t, d,
						`INSERT INTO snapshots (id, cycle_id, number, scheme_version_id, scheme_digest, engine_version, inputs_hash, draws, seed, entities, header, digest, actor_id, actor, created_at)
							VALUES (5, 4, 1, 3, 'd', 'score/1', 'h', 100, 7, 0, '{}', 'g', 0, 'a', 0)`,
						`INSERT INTO snapshot_bins (snapshot_id, grp, bin, lo, n) VALUES (5, 'g', 0, 60, 23)`,
					)
				}

				n, err := d.Migrate(ctx)
				if err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				if want := tt.applied + newerMigrations(t); n != want {
					t.Errorf("Migrate applied %d, want %d", n, want)
				}
				vs := gooseVersions(t, d)
				for _, v := range []int64{35, 36} {
					if slices.Contains(vs, v) {
						t.Errorf("version %d still recorded: %v", v, vs)
					}
				}
				for _, v := range []int64{42, 43} {
					if c := count(vs, v); c != 1 {
						t.Errorf("version %d recorded %d times, want once: %v", v, c, vs)
					}
				}
				var filled int
				if err := d.SQL.QueryRow(`SELECT filled FROM cycle_item_values WHERE cycle_id = 4 AND item_code = 'gdp'`).Scan(&filled); err != nil || filled != 17 {
					t.Errorf("cycle_item_values row: got %d, %v; want 17", filled, err)
				}
				var bins int
				if err := d.SQL.QueryRow(`SELECT count(*) FROM snapshot_bins`).Scan(&bins); err != nil || bins != btoi(tt.bins) {
					t.Errorf("snapshot_bins rows: got %d, %v; want %d", bins, err, btoi(tt.bins))
				}
				current, known, err := d.SchemaVersion(ctx)
				if want := latestMigration(t); err != nil || current != known || known != want {
					t.Errorf("SchemaVersion: got %d of %d, %v; want %d of %d", current, known, err, want, want)
				}
				if n, err := d.Migrate(ctx); err != nil || n != 0 {
					t.Errorf("second Migrate: got %d applied, %v; want 0, nil", n, err)
				}
				if again := gooseVersions(t, d); !slices.Equal(again, vs) {
					t.Errorf("second Migrate changed the versions: %v, was %v", again, vs)
				}
			})
		})
	}
}

// TestMigrateFromOutOfOrderReleaseConcurrently starts several Migrates at
// once on a database the old release upgraded, as several kaohe processes
// starting together would (each call has its own provider and connections):
// every one succeeds, none applies anything, and 42 and 43 are recorded once.
func TestMigrateFromOutOfOrderReleaseConcurrently(t *testing.T) {
	var upTo41 []int64
	for v := range int64(42) {
		if v != 35 && v != 36 {
			upTo41 = append(upTo41, v)
		}
	}
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		oldUp(t, d, oldMigrations(t, upTo41))
		oldUp(t, d, oldMigrations(t, nil))
		const n = 4
		type result struct {
			applied int
			err     error
		}
		results := make(chan result, n)
		for range n {
			go func() {
				applied, err := d.Migrate(context.Background())
				results <- result{applied, err}
			}()
		}
		total := 0
		for range n {
			r := <-results
			if r.err != nil {
				t.Errorf("Migrate: %v", r.err)
			}
			total += r.applied
		}
		if want := newerMigrations(t); total != want {
			t.Errorf("the concurrent runs applied %d migrations in all, want %d (those made after that release), once", total, want)
		}
		vs := gooseVersions(t, d)
		if count(vs, 35)+count(vs, 36) != 0 || count(vs, 42) != 1 || count(vs, 43) != 1 {
			t.Errorf("got versions %v, want 42 and 43 once each and no 35 or 36", vs)
		}
	})
}

// TestMigrateInOrder checks that a fresh database applies every migration,
// in strictly increasing version order.
func TestMigrateInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		vs := gooseVersions(t, d)
		for i := 1; i < len(vs); i++ {
			if vs[i] <= vs[i-1] {
				t.Fatalf("version %d applied after %d: %v", vs[i], vs[i-1], vs)
			}
		}
		_, known, err := d.SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		files, err := fs.Glob(db.Migrations, "migrations/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != len(files) || vs[len(vs)-1] != known {
			t.Errorf("applied %v, want all %d migrations up to %d", vs, len(files), known)
		}
	})
}

func count(vs []int64, v int64) int {
	n := 0
	for _, x := range vs {
		if x == v {
			n++
		}
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
