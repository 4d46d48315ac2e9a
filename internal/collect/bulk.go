package collect

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// conn is the connection a bulk transaction runs on, so that a PostgreSQL
// load can reach the driver's COPY.
type conn struct {
	*sql.Conn
}

// bulkTx runs fn in a read-write transaction on one dedicated connection:
// db.InTx with the connection in hand. It commits when fn returns nil.
func (s *Service) bulkTx(ctx context.Context, fn func(tx *db.Tx, c *conn) error) error {
	sc, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open connection: %w", err)
	}
	defer sc.Close()
	if s.db.Engine == db.SQLite {
		restore, err := bulkPragmas(ctx, sc)
		if err != nil {
			return err
		}
		defer restore()
	}
	stx, err := sc.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &db.Tx{Tx: stx, Engine: s.db.Engine, Now: s.db.Clock().UTC().Truncate(time.Microsecond)}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx, &conn{sc}); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// bulkPragmas gives a SQLite connection a page cache large enough to hold
// a big load without spilling to the WAL mid-transaction, and statement
// journals in memory; restore puts the connection's settings back before
// it returns to the pool.
func bulkPragmas(ctx context.Context, sc *sql.Conn) (restore func(), err error) {
	var cache, temp int64
	if err := sc.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, fmt.Errorf("read cache size: %w", err)
	}
	if err := sc.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return nil, fmt.Errorf("read temp store: %w", err)
	}
	if _, err := sc.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return nil, fmt.Errorf("set cache size: %w", err)
	}
	if _, err := sc.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return nil, fmt.Errorf("set temp store: %w", err)
	}
	return func() {
		sc.ExecContext(context.Background(), `PRAGMA cache_size = `+strconv.FormatInt(cache, 10))
		sc.ExecContext(context.Background(), `PRAGMA temp_store = `+strconv.FormatInt(temp, 10))
	}, nil
}

// valueCols are the columns of data_values a submission writes.
var valueCols = []string{"id", "entity_id", "value", "flagged", "version", "reason",
	"entity_kind", "item_code", "period", "source", "submitter_id", "status", "is_current", "created_at"}

// insertBatch is how many rows one INSERT statement carries.
const insertBatch = 500

// write stores the plan: supersedes the corrected versions and inserts the
// new rows, by multi-row INSERTs on SQLite and COPY on PostgreSQL (INSERTs
// there too without the connection c, in a caller's transaction), then
// tells l of the first values (tellFirst).
func (p *plan) write(ctx context.Context, tx *db.Tx, c *conn, a *auth.Actor, l FirstValuesListener) error {
	p.rep.BatchID = db.NewID()
	var superseded []any
	for _, rc := range p.recs {
		if rc.prevID != 0 {
			superseded = append(superseded, rc.prevID)
		}
	}
	for start := 0; start < len(superseded); start += 500 {
		chunk := superseded[start:min(start+500, len(superseded))]
		if _, err := tx.ExecContext(ctx, `UPDATE data_values SET is_current = FALSE WHERE id IN (`+placeholders(1, len(chunk))+`)`, chunk...); err != nil {
			return fmt.Errorf("supersede corrected values: %w", err)
		}
	}
	if len(p.recs) == 0 {
		return nil
	}
	src := rowSource{p: p, source: string(p.batch.Source), submitter: a.UserID, now: tx.Now.UnixMicro(), numbered: tx.Engine == db.Postgres}
	var err error
	if tx.Engine == db.Postgres && c != nil {
		err = src.copy(ctx, c)
	} else {
		err = src.insert(ctx, tx)
	}
	if err != nil {
		return err
	}
	return p.tellFirst(ctx, tx, l)
}

// rowSource yields the rows of a plan for inserting.
type rowSource struct {
	p         *plan
	source    string
	submitter int64
	now       int64
	// numbered writes PostgreSQL's $N placeholders instead of '?'.
	numbered bool
}

// row fills vals with the first six columns of rec i.
func (s *rowSource) row(i int, vals []any) {
	rc := &s.p.recs[i]
	vals[0] = db.NewID()
	vals[1] = rc.key.ent
	vals[2] = rc.value
	vals[3] = rc.flagged
	vals[4] = rc.version
	vals[5] = ""
	if rc.prevID != 0 {
		vals[5] = strings.TrimSpace(s.p.batch.Rows[rc.row].Reason)
	}
}

// insertSQL returns the text of an INSERT of n rows of group g. A new
// value (version 1, no reason) binds its id, entity, value and flag; the
// columns every row of the group shares are literals, which are validated
// codes, periods, enums and numbers (itemCode, ValidPeriod, Source.Valid).
// A correction binds its version and reason too. It uses '?' placeholders
// on SQLite: the driver looks each "$N" up by name
// in a list as long as the statement's parameters, which makes a
// 2,000-parameter statement quadratic. Binding four values instead of
// fourteen is a third faster on a large load. On PostgreSQL (a correction
// in a caller's transaction, which has no COPY) it numbers them.
func (s *rowSource) insertSQL(g group, n int, corrections bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO data_values (")
	b.WriteString(strings.Join(valueCols, ", "))
	b.WriteString(") VALUES ")
	it := s.p.items[g.item]
	bound := 4
	if corrections {
		bound = 6
	}
	tail := "'" + string(it.EntityKind) + "', '" + it.Code + "', '" + s.p.periods[g.per] + "', '" + s.source + "', " +
		strconv.FormatInt(s.submitter, 10) + ", '" + string(s.p.batch.Source.status()) + "', TRUE, " + strconv.FormatInt(s.now, 10) + ")"
	k := 0
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for range bound {
			k++
			if s.numbered {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(k))
			} else {
				b.WriteByte('?')
			}
			b.WriteString(", ")
		}
		if !corrections {
			b.WriteString("1, '', ")
		}
		b.WriteString(tail)
	}
	return b.String()
}

// insert writes the rows with multi-row INSERTs, one prepared statement
// of insertBatch rows per group; corrections one by one.
func (s *rowSource) insert(ctx context.Context, tx *db.Tx) error {
	const per = 4
	args := make([]any, insertBatch*per)
	six := make([]any, 6)
	var news []int
	for _, g := range s.p.groups {
		news = news[:0]
		for i := g.from; i < g.to; i++ {
			if s.p.recs[i].prevID != 0 {
				s.row(i, six)
				if _, err := tx.ExecContext(ctx, s.insertSQL(g, 1, true), six...); err != nil {
					return fmt.Errorf("insert corrected value: %w", err)
				}
				continue
			}
			news = append(news, i)
		}
		if err := s.insertNew(ctx, tx, g, news, args); err != nil {
			return err
		}
	}
	return nil
}

// insertNew inserts the new values news (indexes into recs) of group g.
func (s *rowSource) insertNew(ctx context.Context, tx *db.Tx, g group, news []int, args []any) error {
	const per = 4
	six := make([]any, 6)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(news); start += insertBatch {
		end := min(start+insertBatch, len(news))
		n := end - start
		for k, i := range news[start:end] {
			s.row(i, six)
			copy(args[k*per:], six[:per])
		}
		var err error
		if n == insertBatch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, s.insertSQL(g, insertBatch, false)); err != nil {
					return fmt.Errorf("prepare value insert: %w", err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.insertSQL(g, n, false), args[:n*per]...)
		}
		if err != nil {
			return fmt.Errorf("insert values of %s %s: %w", s.p.items[g.item].Code, s.p.periods[g.per], err)
		}
	}
	return nil
}

// copy writes the rows with PostgreSQL's COPY on the transaction's
// connection.
func (s *rowSource) copy(ctx context.Context, c *conn) error {
	vals := make([]any, len(valueCols))
	gi, i := 0, -1
	src := pgx.CopyFromFunc(func() ([]any, error) {
		i++
		if i >= len(s.p.recs) {
			return nil, nil
		}
		for s.p.groups[gi].to <= i {
			gi++
		}
		g := s.p.groups[gi]
		s.row(i, vals)
		vals[6], vals[7], vals[8] = string(s.p.items[g.item].EntityKind), s.p.items[g.item].Code, s.p.periods[g.per]
		vals[9], vals[10], vals[11], vals[12], vals[13] = s.source, s.submitter, string(s.p.batch.Source.status()), true, s.now
		return vals, nil
	})
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy values: driver connection is %T, not pgx", dc)
		}
		if _, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{"data_values"}, valueCols, src); err != nil {
			return fmt.Errorf("copy values: %w", err)
		}
		return nil
	})
}
