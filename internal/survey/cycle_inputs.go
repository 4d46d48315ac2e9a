package survey

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Ratings returns the tallies of closed evaluation id for the items refs
// maps to indicator codes, in the caller's transaction (PROVISIONAL).
func Ratings(ctx context.Context, tx *db.Tx, id int64, refs map[string]string) ([]score.Rating, error) {
	s := &Service{}
	e, bs, err := s.closedBallots(ctx, tx, auth.SystemActor("cycle"), id)
	if err != nil {
		return nil, err
	}
	return ratings(e, bs, refs, shownGroups(e, bs)), nil
}

// EvaluationOpen reports whether evaluation id is not closed (PROVISIONAL).
func EvaluationOpen(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM evaluations WHERE id = $1`, id).Scan(&status)
	if err != nil {
		return false, nil
	}
	return status != string(StatusClosed), nil
}
