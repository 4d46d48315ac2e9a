package survey

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// BallotCount returns how many ballots evaluation id holds, valid or not,
// opened or still sealed, in the caller's transaction: for load tests that
// check nothing was lost.
func BallotCount(ctx context.Context, tx *db.Tx, id int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM ballots WHERE evaluation_id = $1)
		+ (SELECT count(*) FROM sealed_ballots WHERE evaluation_id = $1)`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count ballots: %w", err)
	}
	return n, nil
}
