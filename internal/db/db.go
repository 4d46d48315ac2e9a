// Package db opens Kaohe's database — an embedded SQLite file by default or
// PostgreSQL by DSN — applies the embedded migrations, and runs transactions
// that carry a fixed time from a replaceable clock.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
)

// The collation "C" compares strings byte by byte, as PostgreSQL's "C" does,
// so that one migration can declare `path TEXT COLLATE "C"` for both engines
// (SQLite has no collation of that name of its own). Materialized unit paths
// need it: their subtree ranges assume '/' sorts just before '0'.
func init() {
	sqlite.MustRegisterCollationUtf8("C", strings.Compare)
}

// Engine names a database engine.
type Engine string

// The engines Kaohe runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DefaultDSN is used when neither --db nor KAOHE_DB is given.
const DefaultDSN = "sqlite:kaohe.db"

// ErrDSN reports a database address Kaohe cannot interpret.
var ErrDSN = errors.New("unknown database address")

// ErrUnreachable reports a database that could not be opened or reached.
var ErrUnreachable = errors.New("database unreachable")

// DB is an open database. Its Clock gives the time stamped on each
// transaction; tests replace it to make timestamps exact.
type DB struct {
	SQL    *sql.DB
	Engine Engine
	// Clock returns the current time; Tx.Now is read from it once per transaction.
	Clock func() time.Time
	dsn   string
	// migrating serialises this process's Migrate calls: on PostgreSQL
	// goose's advisory lock does so across processes, but SQLite has no
	// such lock, and two runs would both apply a pending migration.
	migrating sync.Mutex
}

// Target is a parsed database address.
type Target struct {
	Engine Engine
	// Source is what the driver receives: a file path for SQLite, the URL for PostgreSQL.
	Source string
}

// ParseDSN interprets "sqlite:PATH", a bare file path, or "postgres://…"
// ("postgresql://…" too).
func ParseDSN(dsn string) (Target, error) {
	switch {
	case dsn == "":
		return ParseDSN(DefaultDSN)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return Target{}, fmt.Errorf("%w %q: %v", ErrDSN, redact(dsn), err)
		}
		return Target{Engine: Postgres, Source: dsn}, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return Target{}, fmt.Errorf("%w %q: no file path after sqlite:", ErrDSN, dsn)
		}
		return Target{Engine: SQLite, Source: path}, nil
	case strings.Contains(dsn, "://"):
		return Target{}, fmt.Errorf("%w %q: use sqlite:PATH, a file path, or postgres://…", ErrDSN, redact(dsn))
	default:
		return Target{Engine: SQLite, Source: dsn}, nil
	}
}

// Open opens the database at dsn and checks that it answers. It does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	t, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var sqldb *sql.DB
	switch t.Engine {
	case SQLite:
		sqldb, err = openSQLite(t.Source)
	case Postgres:
		sqldb, err = sql.Open("pgx", t.Source)
		if err == nil {
			// A bounded pool: a burst of requests (2,000 raters at once)
			// queues for a connection instead of exceeding the server's
			// max_connections.
			sqldb.SetMaxOpenConns(20)
			sqldb.SetMaxIdleConns(20)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, redact(dsn), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, redact(dsn), err)
	}
	return &DB{SQL: sqldb, Engine: t.Engine, Clock: time.Now, dsn: dsn}, nil
}

// openSQLite opens a SQLite file in WAL mode with a busy timeout, foreign
// keys on, and write transactions that take the write lock at BEGIN so that
// two writers never deadlock on a lock upgrade.
func openSQLite(path string) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("directory of the database file: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// One writer at a time is SQLite's nature; a small pool serves readers in WAL mode.
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8)
	sqldb.SetConnMaxIdleTime(0)
	return sqldb, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.SQL.Close() }

// String names the database without a password: "sqlite kaohe.db" or
// "postgres postgres://kaohe:xxxxx@host/kaohe".
func (d *DB) String() string {
	if t, err := ParseDSN(d.dsn); err == nil && t.Engine == SQLite {
		return "sqlite " + t.Source
	}
	return string(d.Engine) + " " + redact(d.dsn)
}

// redact hides a password in a PostgreSQL URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
