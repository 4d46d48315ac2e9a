package org

import (
	"context"
	"fmt"
	"strconv"
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
	// Matching, when set, adds a condition on the unit id in col that the
	// caller writes over its own tables (e.g. "has no value").
	Matching func(col string, args *[]any) string
	// Limit, when above 0, returns at most that many units in id order.
	Limit int
}

// where returns the query's condition on units u, or ok false when it
// selects nothing.
func (q UnitQuery) where(args *[]any) (cond string, ok bool) {
	conds := []string{"1 = 1"}
	if q.Scope != nil {
		conds = append(conds, q.Scope.SQL("u.path", args))
	}
	if q.Under != "" {
		conds = append(conds, auth.SubtreeSQL("u.path", q.Under, args))
	}
	if q.Kind != "" {
		conds = append(conds, "u.kind = "+db.Arg(args, string(q.Kind)))
	}
	if q.Level != "" {
		conds = append(conds, "u.level = "+db.Arg(args, string(q.Level)))
	}
	if q.Categories != nil {
		if len(q.Categories) == 0 {
			return "", false
		}
		conds = append(conds, `u.category_id IN (SELECT id FROM categories WHERE code IN (`+db.In(args, q.Categories)+`))`)
	}
	if q.Matching != nil {
		conds = append(conds, q.Matching("u.id", args))
	}
	return strings.Join(conds, " AND "), true
}

// ListUnits returns the units q selects in tree order (by path), or in id
// order when q has a Limit.
func ListUnits(ctx context.Context, tx *db.Tx, q UnitQuery) ([]*Unit, error) {
	var args []any
	cond, ok := q.where(&args)
	if !ok {
		return nil, nil
	}
	tail := ` ORDER BY u.path`
	if q.Limit > 0 {
		tail = ` ORDER BY u.id LIMIT ` + strconv.Itoa(q.Limit)
	}
	return queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE `+cond+tail, args...)
}

// CountMatchingUnits returns how many units q selects (its Limit aside).
func CountMatchingUnits(ctx context.Context, tx *db.Tx, q UnitQuery) (int, error) {
	var args []any
	cond, ok := q.where(&args)
	if !ok {
		return 0, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count units: %w", err)
	}
	return n, nil
}

// UnitQuerySQL returns an SQL condition that the unit id in col is one q
// selects, adding its arguments to args.
func UnitQuerySQL(col string, q UnitQuery, args *[]any) string {
	cond, ok := q.where(args)
	if !ok {
		return "1 = 0"
	}
	return col + ` IN (SELECT u.id FROM units u WHERE ` + cond + `)`
}

// PeopleQuery selects people placed in a subtree.
type PeopleQuery struct {
	// Under keeps the people placed in the subtree at this path.
	Under    string
	Matching func(col string, args *[]any) string
	// Limit, when above 0, returns at most that many people in id order.
	Limit int
}

func (q PeopleQuery) where(args *[]any) string {
	cond := auth.SubtreeSQL("u.path", q.Under, args)
	if q.Matching != nil {
		cond += " AND " + q.Matching("p.id", args)
	}
	return cond
}

// ListPeople returns the people q selects, with their unit's name, in id
// order.
func ListPeople(ctx context.Context, tx *db.Tx, q PeopleQuery) ([]*Person, error) {
	var args []any
	query := `SELECT ` + personCols + ` FROM people p JOIN units u ON u.id = p.unit_id WHERE ` + q.where(&args) + ` ORDER BY p.id`
	if q.Limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(q.Limit)
	}
	var out []*Person
	err := db.EachRow(ctx, tx, query, args, func(scan func(...any) error) error {
		p, err := scanPerson(rowScanner(scan))
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	return out, nil
}

// CountPeople returns how many people q selects (its Limit aside).
func CountPeople(ctx context.Context, tx *db.Tx, q PeopleQuery) (int, error) {
	var args []any
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE `+q.where(&args), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count people: %w", err)
	}
	return n, nil
}

// PeopleQuerySQL returns an SQL condition that the person id in col is one
// q selects, adding its arguments to args.
func PeopleQuerySQL(col string, q PeopleQuery, args *[]any) string {
	return col + ` IN (SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE ` + q.where(args) + `)`
}

// rowScanner adapts a row's Scan function to scanPerson's argument.
type rowScanner func(...any) error

func (f rowScanner) Scan(dest ...any) error { return f(dest...) }

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

// PostsByID reads the posts of ids with their unit's name; ids without a
// post are absent.
func PostsByID(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Post, error) {
	out := make(map[int64]*Post, len(ids))
	err := inChunks(ids, func(args []any, ph string) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+postCols+` FROM posts po JOIN units u ON u.id = po.unit_id
			WHERE po.id IN (`+ph+`)`, args...)
		if err != nil {
			return fmt.Errorf("read posts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPost(rows)
			if err != nil {
				return fmt.Errorf("read posts: %w", err)
			}
			out[p.ID] = p
		}
		return rows.Err()
	})
	return out, err
}
