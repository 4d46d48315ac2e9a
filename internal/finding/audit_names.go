package finding

import (
	"context"

	"kaohe/internal/db"
)

// Titles returns the titles of the findings of ids, inside tx: what the
// audit log names them by. Ids without a finding are absent. It checks no
// policy: the audit log shows an entry to those whose scope covers the
// finding's unit, the office that reads the finding anyway.
func Titles(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	return db.Names(ctx, tx, `SELECT id, title FROM findings WHERE id IN (%s)`, ids)
}
