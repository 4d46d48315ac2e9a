package fieldwork

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// recordTables are the tables of the records the audit log names by id.
var recordTables = map[string]string{"verification": "verifications", "interview": "interviews"}

// RecordTargets returns the cycle and entity of each verification or
// interview (kind "verification" or "interview") of ids, as "cycle/entity"
// keys, inside tx: what the audit log shows them by. It checks no policy.
func RecordTargets(ctx context.Context, tx *db.Tx, kind string, ids []int64) (map[int64]string, error) {
	table, ok := recordTables[kind]
	if !ok {
		return nil, fmt.Errorf("no field-work record kind %q", kind)
	}
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		var args []any
		err := db.EachRow(ctx, tx, `SELECT id, cycle_id, entity FROM `+table+` WHERE id IN (`+db.In(&args, ids[start:min(start+500, len(ids))])+`)`,
			args, func(scan func(...any) error) error {
				var id, c int64
				var e string
				if err := scan(&id, &c, &e); err != nil {
					return err
				}
				out[id] = db.FormatID(c) + "/" + e
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
	}
	return out, nil
}
