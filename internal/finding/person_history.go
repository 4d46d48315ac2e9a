package finding

import (
	"context"

	"kaohe/internal/db"
)

// PersonFindings returns the findings that name person personID, in tx,
// with their units and people. It checks no policy: the caller (the
// outcome rules, the lifelong archive) has authorized its own action.
func PersonFindings(ctx context.Context, tx *db.Tx, personID int64) ([]*Finding, error) {
	return queryFindings(ctx, tx, `SELECT `+findingCols+` FROM findings f
		WHERE f.id IN (SELECT finding_id FROM finding_people WHERE person_id = $1) ORDER BY f.found_on, f.id`, []any{personID})
}

// PersonSanctions returns the sanctions of person personID with their
// follow-ups, in tx, newest decision first. It checks no policy.
func PersonSanctions(ctx context.Context, tx *db.Tx, personID int64) ([]*Sanction, error) {
	return querySanctions(ctx, tx, `s.person_id = $1`, []any{personID})
}

// OpenUnitFindings returns the active findings about unit unitID — those
// neither exempted nor voided, whose rectification is still the unit's —
// in tx, oldest first. It checks no policy: a post's handover lists them
// for the successor.
func OpenUnitFindings(ctx context.Context, tx *db.Tx, unitID int64) ([]*Finding, error) {
	return queryFindings(ctx, tx, `SELECT `+findingCols+` FROM findings f WHERE f.unit_id = $1 AND f.status = $2
		ORDER BY f.found_on, f.id`, []any{unitID, Active})
}
