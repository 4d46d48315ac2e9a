package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaNewer reports a database migrated by a newer kaohe than this one.
var ErrSchemaNewer = errors.New("database schema is newer than this kaohe")

// provider builds a goose provider over the embedded migrations. Each
// migration runs in its own transaction, so nothing is half-migrated.
func (d *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	// Out of order: a migration numbered into a gap (00035 between 00030
	// and 00040, next to the tables it belongs with) is applied to a
	// database already past it.
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
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

// SchemaVersion returns the database's migration version and the newest
// version this binary knows.
func (d *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := d.provider()
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
	current, known, err := d.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if current > known {
		return 0, fmt.Errorf("%w (database at version %d, this kaohe knows up to %d): upgrade kaohe", ErrSchemaNewer, current, known)
	}
	p, err := d.provider()
	if err != nil {
		return 0, fmt.Errorf("load migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}
