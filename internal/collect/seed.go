package collect

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// SeedValue is a verified value written by SeedValues.
type SeedValue struct {
	Kind         EntityKind
	EntityID     int64
	Item, Period string
	Value        float64
}

// SeedValues writes first, verified values as the demo's history, in the
// caller's transaction, without the checks of Submit: the demo's quarterly
// history of annual items is a period no provider could submit. It tells
// no listener, so it must run before the cycles that read the values are
// made. Not for data that users enter.
func SeedValues(ctx context.Context, tx *db.Tx, vs []SeedValue) error {
	now := tx.Now.UnixMicro()
	for _, v := range vs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source,
			submitter_id, status, version, is_current, reason, flagged, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'api', 0, 'verified', 1, TRUE, '', FALSE, $7)`,
			db.NewID(), string(v.Kind), v.EntityID, v.Item, v.Period, v.Value, now); err != nil {
			return fmt.Errorf("seed value: %w", err)
		}
	}
	return nil
}
