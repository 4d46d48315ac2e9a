package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kaohe/internal/db"
	"kaohe/internal/score"
)

// The functions of this file are what package cycle reads of democratic
// evaluations when it loads a cycle's inputs. They take the caller's
// transaction and primitive types and check no policy, since the cycle
// has authorized its own action; the server wires them to cycle's
// interfaces. No other package runs SQL on survey's tables.

// Ratings returns the rating rows of closed evaluation evaluationID for
// the items refs maps (ItemRef → qualitative indicator code), inside tx:
// exactly what Service.Ratings gives the system actor. NotFound when there
// is no such evaluation; Conflict while it is not closed.
func Ratings(ctx context.Context, tx *db.Tx, evaluationID int64, refs map[string]string) ([]score.Rating, error) {
	e, err := getEvaluation(ctx, tx, evaluationID)
	if err != nil {
		return nil, err
	}
	return evaluationRatings(ctx, tx, e, refs)
}

// EvaluationOpen reports whether evaluation id is still taking ballots or
// being set up (its status is not closed); false when there is no such
// evaluation.
func EvaluationOpen(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var status Status
	err := tx.QueryRowContext(ctx, `SELECT status FROM evaluations WHERE id = $1`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read status of evaluation %d: %w", id, err)
	}
	return status != StatusClosed, nil
}
