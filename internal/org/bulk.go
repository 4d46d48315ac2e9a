package org

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/db"
)

// The bulk inserts below write many rows with multi-row INSERTs inside the
// caller's transaction. They neither authorize, validate nor audit: they
// are for loaders (the demo, imports) that check their rows and record one
// audit event for the whole load themselves. Zero CreatedAt and UpdatedAt
// become tx.Now.

// batchRows is how many rows one INSERT carries: well below the bound
// variables either engine allows (32,766 for SQLite, 65,535 for PostgreSQL).
const batchRows = 500

// insertRows inserts n rows of cols into table, asking row for the values
// of row i.
func insertRows(ctx context.Context, tx *db.Tx, table string, cols []string, n int, row func(i int) []any) error {
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var (
		b    strings.Builder
		args []any
	)
	for start := 0; start < n; start += batchRows {
		end := min(start+batchRows, n)
		b.Reset()
		args = args[:0]
		b.WriteString(head)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row(i) {
				if j > 0 {
					b.WriteString(", ")
				}
				if tx.Engine == db.SQLite {
					// SQLite looks a named parameter such as $1 up in a
					// list, which makes thousands of them quadratic; plain
					// ? parameters are numbered as they come.
					args = append(args, v)
					b.WriteByte('?')
				} else {
					b.WriteString(db.Arg(&args, v))
				}
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s rows %d to %d: %w", table, start+1, end, err)
		}
	}
	return nil
}

// stamp returns the unix µs of t, or of now when t is zero.
func stamp(t time.Time, now int64) int64 {
	if t.IsZero() {
		return now
	}
	return t.UnixMicro()
}

// InsertCategories writes categories with their IDs set.
func InsertCategories(ctx context.Context, tx *db.Tx, cs []*Category) error {
	now := tx.Now.UnixMicro()
	return insertRows(ctx, tx, "categories",
		[]string{"id", "code", "name", "applies_to", "description", "sort_order", "created_at", "updated_at"},
		len(cs), func(i int) []any {
			c := cs[i]
			return []any{c.ID, c.Code, c.Name, string(c.AppliesTo), c.Description, c.Sort, stamp(c.CreatedAt, now), stamp(c.UpdatedAt, now)}
		})
}

// InsertUnits writes units with their IDs and paths set, parents before
// children.
func InsertUnits(ctx context.Context, tx *db.Tx, us []*Unit) error {
	now := tx.Now.UnixMicro()
	return insertRows(ctx, tx, "units",
		[]string{"id", "parent_id", "path", "code", "name", "kind", "level", "category_id", "sort_order", "created_at", "updated_at"},
		len(us), func(i int) []any {
			u := us[i]
			return []any{u.ID, nullID(u.ParentID), u.Path, u.Code, u.Name, string(u.Kind), string(u.Level),
				nullID(u.CategoryID), u.Sort, stamp(u.CreatedAt, now), stamp(u.UpdatedAt, now)}
		})
}

// InsertPeople writes people with their IDs and units set.
func InsertPeople(ctx context.Context, tx *db.Tx, ps []*Person) error {
	now := tx.Now.UnixMicro()
	return insertRows(ctx, tx, "people",
		[]string{"id", "name", "gender", "birth_date", "ethnicity", "party", "education", "unit_id", "created_at", "updated_at"},
		len(ps), func(i int) []any {
			p := ps[i]
			return []any{p.ID, p.Name, string(p.Gender), p.BirthDate, p.Ethnicity, string(p.Party), string(p.Education),
				p.UnitID, stamp(p.CreatedAt, now), stamp(p.UpdatedAt, now)}
		})
}

// InsertPosts writes posts with their IDs set. At most one post of a
// person may be open and not concurrent.
func InsertPosts(ctx context.Context, tx *db.Tx, ps []*Post) error {
	now := tx.Now.UnixMicro()
	return insertRows(ctx, tx, "posts",
		[]string{"id", "person_id", "unit_id", "title", "rank", "team", "sort_order", "concurrent", "start_date", "end_date", "created_at", "updated_at"},
		len(ps), func(i int) []any {
			p := ps[i]
			return []any{p.ID, p.PersonID, p.UnitID, p.Title, string(p.Rank), p.Team, p.Sort, p.Concurrent,
				p.Start, nullDate(p.End), stamp(p.CreatedAt, now), stamp(p.UpdatedAt, now)}
		})
}
