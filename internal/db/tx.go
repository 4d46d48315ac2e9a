package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tx is a transaction with the time it runs at. Every timestamp written in
// a transaction is Now, so one change carries one time.
type Tx struct {
	*sql.Tx
	Engine Engine
	// Now is the clock's time at BEGIN, in UTC, truncated to microseconds
	// (the precision both engines keep).
	Now time.Time
}

// InTx runs fn in a read-write transaction and commits it if fn returns
// nil; otherwise it rolls back and returns fn's error.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return d.run(ctx, nil, fn)
}

// View runs fn in a read-only transaction: a consistent snapshot that never
// takes SQLite's write lock.
func (d *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Engine == Postgres {
		// PostgreSQL's default, read committed, takes a new snapshot per
		// statement; a read of several statements (a scoring run's
		// inputs) must see one state. A read-only transaction at
		// repeatable read never fails to serialize.
		opts.Isolation = sql.LevelRepeatableRead
	}
	return d.run(ctx, opts, fn)
}

func (d *DB) run(ctx context.Context, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	stx, err := d.SQL.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: stx, Engine: d.Engine, Now: d.Clock().UTC().Truncate(time.Microsecond)}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
