package collect

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"kaohe/internal/db"
)

// The functions of this file are what package track reads of the data
// collection: the item a commitment's target or a monitor names. They take
// the caller's transaction and check no policy, since the caller has
// authorized its own action.

// ItemOf returns the item with code and its owner's jurisdiction, or a
// NotFound error on field "item".
func ItemOf(ctx context.Context, tx *db.Tx, code string) (*Item, error) {
	return getItem(ctx, tx, code)
}

// UnitValuesOfYear calls fn with the current values of item for unitID in
// the periods of year, by period; values returned to their provider are
// left out.
func UnitValuesOfYear(ctx context.Context, tx *db.Tx, item string, year, unitID int64, fn func(period string, v float64)) error {
	y := strconv.FormatInt(year, 10)
	err := db.EachRow(ctx, tx, `SELECT period, value FROM data_values WHERE item_code = $1 AND period > $2 AND period < $3
		AND entity_id = $4 AND entity_kind = $5 AND is_current AND status <> $6 ORDER BY period`,
		[]any{item, y, strconv.FormatInt(year+1, 10), unitID, string(EntityUnit), string(StatusReturned)}, func(scan func(...any) error) error {
			var p string
			var v float64
			if err := scan(&p, &v); err != nil {
				return err
			}
			fn(p, v)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read values of %s: %w", item, err)
	}
	return nil
}

// LatestUnitValues calls fn with the current value of every unit for item
// in the latest period of year that holds values of the item, and returns
// that period ("" when the year holds none). Values returned to their
// provider are left out.
func LatestUnitValues(ctx context.Context, tx *db.Tx, item string, year int64, fn func(unitID int64, v float64)) (string, error) {
	y, next := strconv.FormatInt(year, 10), strconv.FormatInt(year+1, 10)
	var latest sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT max(period) FROM data_values WHERE item_code = $1 AND period > $2 AND period < $3`,
		item, y, next).Scan(&latest); err != nil {
		return "", fmt.Errorf("read latest period of %s: %w", item, err)
	}
	if !latest.Valid {
		return "", nil
	}
	err := db.EachRow(ctx, tx, `SELECT entity_id, value FROM data_values WHERE item_code = $1 AND period = $2 AND is_current
		AND entity_kind = $3 AND status <> $4`, []any{item, latest.String, string(EntityUnit), string(StatusReturned)},
		func(scan func(...any) error) error {
			var id int64
			var v float64
			if err := scan(&id, &v); err != nil {
				return err
			}
			fn(id, v)
			return nil
		})
	if err != nil {
		return "", fmt.Errorf("read values of %s: %w", item, err)
	}
	return latest.String, nil
}

// Catalogue returns every data item with its owner's jurisdiction, by
// code.
func Catalogue(ctx context.Context, tx *db.Tx) ([]*Item, error) {
	return queryItems(ctx, tx, `ORDER BY i.code`)
}
