// Package dbtest gives each test a fresh, migrated database: a SQLite file
// always, and PostgreSQL too when KAOHE_TEST_POSTGRES holds a DSN.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kaohe/internal/db"
)

// Epoch is the time a test database's clock starts at.
var Epoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// Clock is a manual clock for exact timestamps in tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at Epoch.
func NewClock() *Clock { return &Clock{t: Epoch} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// RequireAll reports whether KAOHE_REQUIRE_ALL=1 asks that tests needing a
// missing component fail instead of skipping.
func RequireAll() bool { return os.Getenv("KAOHE_REQUIRE_ALL") == "1" }

// Missing skips the test because a component is absent, or fails it when
// KAOHE_REQUIRE_ALL=1.
func Missing(t testing.TB, component string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("%s is required (KAOHE_REQUIRE_ALL=1) but not available", component)
	}
	t.Skipf("%s not available", component)
}

// Each runs fn as a subtest per engine: "sqlite" always, "postgres" when
// KAOHE_TEST_POSTGRES is set (and failing under KAOHE_REQUIRE_ALL=1 when it
// is not).
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachEmpty is Each with databases that are not migrated: no tables, not
// even goose's, for tests that build a schema their own way.
func EachEmpty(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, open(t, sqliteDSN(t), false)) })
	t.Run("postgres", func(t *testing.T) { fn(t, open(t, postgresDSN(t), false)) })
}

// EachDSN is Each for tests that hand the database to another process
// (a child `kaohe serve`): fn gets the DSN of a fresh, empty database per
// engine.
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, postgresDSN(t)) })
}

// SQLite returns a fresh migrated SQLite database in a temporary file with
// its clock at Epoch.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, sqliteDSN(t), true)
}

// sqliteDSN names a new SQLite file in a temporary directory.
func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "kaohe.db")
}

// Postgres returns a fresh migrated PostgreSQL database: a new schema in the
// server named by KAOHE_TEST_POSTGRES, dropped when the test ends.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return open(t, postgresDSN(t), true)
}

// postgresDSN creates a new schema in the server named by
// KAOHE_TEST_POSTGRES, dropped when the test ends, and returns a DSN whose
// search_path is that schema.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("KAOHE_TEST_POSTGRES")
	if dsn == "" {
		Missing(t, "PostgreSQL (KAOHE_TEST_POSTGRES)")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open KAOHE_TEST_POSTGRES: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse KAOHE_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// open opens dsn, closed when the test ends, migrates it if asked, and sets
// its clock to Epoch.
func open(t testing.TB, dsn string, migrate bool) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if migrate {
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatalf("migrate test database: %v", err)
		}
	}
	d.Clock = NewClock().Now
	return d
}
