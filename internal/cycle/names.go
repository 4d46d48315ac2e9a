package cycle

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// The functions of this file name cycles and their entities for other
// packages (the audit log), in the caller's transaction; they check no
// policy.

// CycleNames returns the names of the cycles of ids; ids without a cycle
// are absent.
func CycleNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, name FROM cycles WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name cycles: %w", err)
	}
	return out, nil
}

// EntityNames returns the names of the entities of cycle id; entities the
// cycle does not assess are absent.
func EntityNames(ctx context.Context, tx *db.Tx, id int64, entities []string) (map[string]string, error) {
	out, err := db.Names(ctx, tx, `SELECT entity, name FROM cycle_entities WHERE cycle_id = $1 AND entity IN (%s)`, entities, id)
	if err != nil {
		return nil, fmt.Errorf("name entities of cycle %d: %w", id, err)
	}
	return out, nil
}
