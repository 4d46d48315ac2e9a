package collect

import (
	"context"
	"fmt"
	"strings"

	"kaohe/internal/db"
)

// The functions of this file are what package scheme reads of the data
// collection: whether library indicators name existing data items, and
// the values its streamlining report correlates. They take the caller's
// transaction and primitive types and check no policy, since the caller
// has authorized its own action; the server wires them to scheme's
// ItemChecker and ValueReader (scheme.ItemCheckerFunc(collect.KnownItems),
// scheme.ValueReaderFunc(collect.CurrentUnitValues)).

// schemeInputChunk is the most values one IN list of these reads carries.
const schemeInputChunk = 500

// KnownItems returns the codes among codes that name data items, each
// mapped to true.
func KnownItems(ctx context.Context, tx *db.Tx, codes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(codes))
	for start := 0; start < len(codes); start += schemeInputChunk {
		var args []any
		in := schemeInputIn(codes[start:min(start+schemeInputChunk, len(codes))], &args)
		rows, err := tx.QueryContext(ctx, `SELECT code FROM data_items WHERE code IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read data items: %w", err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read data items: %w", err)
			}
			out[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read data items: %w", err)
		}
	}
	return out, nil
}

// CurrentUnitValues calls fn, in no particular order, with every current
// value of the items for the units of unitIDs that is not returned to its
// provider, whatever its period. fn must not use tx; an error from fn
// stops the reading and is returned.
func CurrentUnitValues(ctx context.Context, tx *db.Tx, items []string, unitIDs []int64,
	fn func(unitID int64, item, period string, value float64) error) error {
	for is := 0; is < len(items); is += schemeInputChunk {
		for us := 0; us < len(unitIDs); us += schemeInputChunk {
			args := []any{string(EntityUnit), string(StatusReturned)}
			itemIn := schemeInputIn(items[is:min(is+schemeInputChunk, len(items))], &args)
			unitIn := schemeInputIn(unitIDs[us:min(us+schemeInputChunk, len(unitIDs))], &args)
			if err := eachSchemeInputValue(ctx, tx, `SELECT entity_id, item_code, period, value FROM data_values
				WHERE is_current AND entity_kind = $1 AND status <> $2
				AND item_code IN (`+itemIn+`) AND entity_id IN (`+unitIn+`)`, args, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachSchemeInputValue runs a query of (entity_id, item_code, period,
// value) rows and calls fn with each.
func eachSchemeInputValue(ctx context.Context, tx *db.Tx, q string, args []any, fn func(int64, string, string, float64) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			entity       int64
			item, period string
			value        float64
		)
		if err := rows.Scan(&entity, &item, &period, &value); err != nil {
			return fmt.Errorf("read values: %w", err)
		}
		if err := fn(entity, item, period, value); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read values: %w", err)
	}
	return nil
}

// schemeInputIn adds vals to args and returns their placeholders, "$3, $4".
func schemeInputIn[T any](vals []T, args *[]any) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = db.Arg(args, v)
	}
	return strings.Join(ph, ", ")
}
