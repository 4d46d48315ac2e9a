package collect

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// ItemOwners returns the owner unit (the providing department) of each
// data item of codes, for the analysis's drill-down, in the caller's
// transaction; codes without an item are absent. It checks no policy.
func ItemOwners(ctx context.Context, tx *db.Tx, codes []string) (map[string]int64, error) {
	out := map[string]int64{}
	var want []string
	for _, c := range codes {
		if c != "" {
			want = append(want, c)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	var args []any
	rows, err := tx.QueryContext(ctx, `SELECT code, owner_unit_id FROM data_items WHERE code IN (`+db.In(&args, want)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read item owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		out[code] = id
	}
	return out, rows.Err()
}
