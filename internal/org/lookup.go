package org

import (
	"context"
	"fmt"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// The functions of this file are how other packages read the tables org
// owns (units, categories, people, posts): they take the caller's
// transaction and check no policy, since the caller has authorized its own
// action. No other package runs SQL on these tables (docs/architecture.md).

// chunk is the most ids one IN list carries.
const chunk = 500

// GetUnit reads a unit; NotFound when there is none.
func GetUnit(ctx context.Context, tx *db.Tx, id int64) (*Unit, error) { return getUnit(ctx, tx, id) }

// UnitsByID reads the units of ids; ids without a unit are absent.
func UnitsByID(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Unit, error) {
	out := make(map[int64]*Unit, len(ids))
	err := inChunks(ids, func(args []any, ph string) error {
		us, err := queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.id IN (`+ph+`)`, args...)
		for _, u := range us {
			out[u.ID] = u
		}
		return err
	})
	return out, err
}

// UnitsByCode reads the units of codes; codes without a unit are absent.
func UnitsByCode(ctx context.Context, tx *db.Tx, codes []string) (map[string]*Unit, error) {
	out := make(map[string]*Unit, len(codes))
	err := inChunks(codes, func(args []any, ph string) error {
		us, err := queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.code IN (`+ph+`)`, args...)
		for _, u := range us {
			out[u.Code] = u
		}
		return err
	})
	return out, err
}

// UnitQuery selects units for ListUnits; zero fields select everything.
type UnitQuery struct {
	// Scope keeps the units it contains (nil: no limit).
	Scope *auth.Scope
	// Under keeps the subtree of the unit at this path ("" for all).
	Under string
	Kind  Kind
	Level Level
	// Categories keeps the units in the categories of these codes.
	Categories []string
}

// ListUnits returns the units q selects in tree order (by path).
func ListUnits(ctx context.Context, tx *db.Tx, q UnitQuery) ([]*Unit, error) {
	var args []any
	conds := []string{"1 = 1"}
	if q.Scope != nil {
		conds = append(conds, q.Scope.SQL("u.path", &args))
	}
	if q.Under != "" {
		conds = append(conds, auth.SubtreeSQL("u.path", q.Under, &args))
	}
	if q.Kind != "" {
		conds = append(conds, "u.kind = "+db.Arg(&args, string(q.Kind)))
	}
	if q.Level != "" {
		conds = append(conds, "u.level = "+db.Arg(&args, string(q.Level)))
	}
	if q.Categories != nil {
		var ph []string
		for _, c := range q.Categories {
			ph = append(ph, db.Arg(&args, c))
		}
		if len(ph) == 0 {
			return nil, nil
		}
		conds = append(conds, `u.category_id IN (SELECT id FROM categories WHERE code IN (`+strings.Join(ph, ", ")+`))`)
	}
	return queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE `+strings.Join(conds, " AND ")+` ORDER BY u.path`, args...)
}

// CountUnits returns how many units there are.
func CountUnits(ctx context.Context, tx *db.Tx) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count units: %w", err)
	}
	return n, nil
}

// AllCategories returns every category in their sort order.
func AllCategories(ctx context.Context, tx *db.Tx) ([]*Category, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+categoryCols+` FROM categories ORDER BY sort_order, code`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	defer rows.Close()
	var out []*Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("list categories: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PeopleByID reads the people of ids with their unit's name; ids without a
// person are absent.
func PeopleByID(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Person, error) {
	out := make(map[int64]*Person, len(ids))
	err := inChunks(ids, func(args []any, ph string) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+personCols+` FROM people p JOIN units u ON u.id = p.unit_id
			WHERE p.id IN (`+ph+`)`, args...)
		if err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				return fmt.Errorf("read people: %w", err)
			}
			out[p.ID] = p
		}
		return rows.Err()
	})
	return out, err
}

// TeamMemberIDs returns the people holding a team post of unit id now, in
// protocol order, each once.
func TeamMemberIDs(ctx context.Context, tx *db.Tx, unitID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT person_id FROM posts WHERE unit_id = $1 AND team AND end_date IS NULL
		ORDER BY sort_order, start_date, id`, unitID)
	if err != nil {
		return nil, fmt.Errorf("read team of unit %d: %w", unitID, err)
	}
	defer rows.Close()
	var out []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// UnitInScopeSQL returns an SQL condition that the unit id in col is a unit
// that sc contains, adding its arguments to args: for lists of other
// packages' rows filtered by jurisdiction in the database.
func UnitInScopeSQL(col string, sc auth.Scope, args *[]any) string {
	if sc.All {
		return "1 = 1"
	}
	return col + ` IN (SELECT u.id FROM units u WHERE ` + sc.SQL("u.path", args) + `)`
}

// UnitUnderSQL returns an SQL condition that the unit id in col lies in the
// subtree at path, adding its arguments to args.
func UnitUnderSQL(col, path string, args *[]any) string {
	return col + ` IN (SELECT u.id FROM units u WHERE ` + auth.SubtreeSQL("u.path", path, args) + `)`
}

// PersonUnderSQL returns an SQL condition that the person id in col is
// placed in a unit of the subtree at path, adding its arguments to args.
func PersonUnderSQL(col, path string, args *[]any) string {
	return col + ` IN (SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE ` +
		auth.SubtreeSQL("u.path", path, args) + `)`
}

// inChunks calls f with the ids as arguments and their placeholders, at
// most chunk at a time.
func inChunks[T any](ids []T, f func(args []any, ph string) error) error {
	for start := 0; start < len(ids); start += chunk {
		var args []any
		var ph []string
		for _, id := range ids[start:min(start+chunk, len(ids))] {
			ph = append(ph, db.Arg(&args, id))
		}
		if err := f(args, strings.Join(ph, ", ")); err != nil {
			return err
		}
	}
	return nil
}
