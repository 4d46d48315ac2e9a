package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations are applied strictly in version order: a new migration is
// numbered after the last one in migrations/ (00043 today), never into a
// gap, however closely it belongs with older tables. Goose refuses a
// database that lacks a migration numbered below its newest applied one,
// so a fresh database and an upgraded one always run the same steps in the
// same order (docs/decisions/0033-migrations-strictly-ordered.md).
//
//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaNewer reports a database migrated by a newer kaohe than this one.
var ErrSchemaNewer = errors.New("database schema is newer than this kaohe")

// provider builds a goose provider over the embedded migrations, after
// renumbering the version rows of an older database (renumber). Each
// migration runs in its own transaction, so nothing is half-migrated.
func (d *DB) provider(ctx context.Context) (*goose.Provider, error) {
	if err := d.renumber(ctx); err != nil {
		return nil, fmt.Errorf("renumber migrations 35, 36 to 42, 43: %w", err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.Engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.SQL, fsys, opts...)
}

// renumber upgrades the goose version table of a database migrated by
// kaohe up to commit e67b86d, the release that numbered the cycle
// dashboard's migrations 00035 and 00036 and applied them out of order.
// They are 00042 and 00043 now, with the same SQL, so the schema they
// created is the one 00042 and 00043 create: when the table records 35 or
// 36 and neither 42 nor 43, the rows become 42 and 43 in one transaction,
// and goose then finds nothing to apply again. On any other database it
// only reads.
//
// On PostgreSQL the transaction first takes goose's advisory lock at
// transaction level; that waits for a goose run in another process, which
// holds the same lock at session level, and the check is repeated under
// it. The lock is released at commit, before this process's own goose run
// takes it. The rewrite is also idempotent: a second one finds 42 or 43
// and changes nothing.
func (d *DB) renumber(ctx context.Context) error {
	// Read first, outside a transaction: SchemaVersion serves /healthz, and
	// a SQLite transaction here would take the write lock.
	if todo, err := d.renumberPending(ctx, d.SQL); err != nil || !todo {
		return err
	}
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.Engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lock.DefaultLockID); err != nil {
			return err
		}
	}
	if todo, err := d.renumberPending(ctx, tx); err != nil || !todo {
		return err
	}
	for _, q := range []string{
		`UPDATE goose_db_version SET version_id = 42 WHERE version_id = 35`,
		`UPDATE goose_db_version SET version_id = 43 WHERE version_id = 36`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// renumberPending reports whether goose's version table exists and records
// version 35 or 36 but neither 42 nor 43.
func (d *DB) renumberPending(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (bool, error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if d.Engine == Postgres {
		// Resolved through search_path, as goose's own unqualified queries are.
		exists = `SELECT CASE WHEN to_regclass('goose_db_version') IS NULL THEN 0 ELSE 1 END`
	}
	var n int
	if err := q.QueryRowContext(ctx, exists).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	var old, renumbered int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM goose_db_version WHERE version_id IN (35, 36)),
		(SELECT count(*) FROM goose_db_version WHERE version_id IN (42, 43))`).Scan(&old, &renumbered)
	return old > 0 && renumbered == 0, err
}

// SchemaVersion returns the database's migration version and the newest
// version this binary knows.
func (d *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := d.provider(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("load migrations: %w", err)
	}
	current, known, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	return current, known, nil
}

// Migrate applies every pending migration, one transaction per step. It
// refuses a database whose schema is newer than the binary.
func (d *DB) Migrate(ctx context.Context) (applied int, err error) {
	d.migrating.Lock()
	defer d.migrating.Unlock()
	current, known, err := d.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if current > known {
		return 0, fmt.Errorf("%w (database at version %d, this kaohe knows up to %d): upgrade kaohe", ErrSchemaNewer, current, known)
	}
	p, err := d.provider(ctx)
	if err != nil {
		return 0, fmt.Errorf("load migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// Migrated reports whether d has ever been migrated by kaohe: it holds the
// migrations' version table. It writes nothing.
func (d *DB) Migrated(ctx context.Context) bool {
	var n int
	return d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM goose_db_version`).Scan(&n) == nil
}
