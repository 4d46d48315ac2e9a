package collect

import (
	"context"
	"database/sql"
	"fmt"

	"kaohe/internal/db"
)

// The functions of this file are what an assessment cycle reads of the
// values collect owns, in the cycle's transaction; package sources wires
// them into cycle.Sources.

// CurrentValues calls each with the current version of every value of the
// items for period about entities of kind ("unit" or "person"), one item
// after another.
func CurrentValues(ctx context.Context, tx *db.Tx, kind, period string, items []string, each func(item string, entityID int64, v float64)) error {
	for _, it := range items {
		err := db.EachRow(ctx, tx, `SELECT entity_id, value FROM data_values
		WHERE item_code = $1 AND period = $2 AND is_current AND entity_kind = $3`, []any{it, period, kind}, func(scan func(...any) error) error {
			var id int64
			var v float64
			if err := scan(&id, &v); err != nil {
				return err
			}
			each(it, id, v)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read values of %s: %w", it, err)
		}
	}
	return nil
}

// RequiredItems says which of the codes are data items (known) and which
// of those must be submitted before collection ends (required).
func RequiredItems(ctx context.Context, tx *db.Tx, items []string) (known, required map[string]bool, err error) {
	known, required = map[string]bool{}, map[string]bool{}
	// A scheme may name thousands of items: batches keep each statement
	// under the engines' parameter limits, and an empty list (which would
	// be "IN ()", an error on PostgreSQL) reads nothing.
	for len(items) > 0 {
		batch := items[:min(len(items), 500)]
		items = items[len(batch):]
		var args []any
		err = db.EachRow(ctx, tx, `SELECT code, required FROM data_items WHERE code IN (`+db.In(&args, batch)+`)`, args, func(scan func(...any) error) error {
			var code string
			var req bool
			if err := scan(&code, &req); err != nil {
				return err
			}
			known[code], required[code] = true, req
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("read data items: %w", err)
		}
	}
	return known, required, nil
}

// FilledCounts counts, per item code, the entities of in with a value of
// any version and status for period. The codes are found by seeking
// through the primary key of data_values (item_code leads it), so a value
// of any code counts; each item's values of the period are one range of
// that key, read in entity order (decision 0083).
func FilledCounts(ctx context.Context, tx *db.Tx, period string, in map[int64]bool) (map[string]int, error) {
	out := map[string]int{}
	var code string
	for {
		var next sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT min(item_code) FROM data_values WHERE item_code > $1`, code).Scan(&next); err != nil {
			return nil, fmt.Errorf("find data items: %w", err)
		}
		if !next.Valid {
			return out, nil
		}
		code = next.String
		n, last := 0, int64(0)
		err := db.EachRow(ctx, tx, `SELECT entity_id FROM data_values WHERE item_code = $1 AND period = $2 ORDER BY entity_id`, []any{code, period}, func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			if id != last && in[id] {
				n++
			}
			last = id
			return nil
		})
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out[code] = n
		}
	}
}
