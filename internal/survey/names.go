package survey

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// EvaluationTitles returns the titles of the evaluations of ids, for
// other packages (the audit log), in the caller's transaction; ids without
// an evaluation are absent. It checks no policy.
func EvaluationTitles(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, title FROM evaluations WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name evaluations: %w", err)
	}
	return out, nil
}
