package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kaohe/internal/db"
)

// CurrentTitle returns the title of the post person personID holds now in
// unit unitID, the first in protocol order when there are several (e.g. a
// concurrent one), or "" when the person holds none there. Like the
// lookups of lookup.go it takes the caller's transaction and checks no
// policy.
func CurrentTitle(ctx context.Context, tx *db.Tx, personID, unitID int64) (string, error) {
	var title string
	err := tx.QueryRowContext(ctx, `SELECT title FROM posts WHERE person_id = $1 AND unit_id = $2 AND end_date IS NULL
		ORDER BY sort_order, id LIMIT 1`, personID, unitID).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read title of person %d in unit %d: %w", personID, unitID, err)
	}
	return title, nil
}
