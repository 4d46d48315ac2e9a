package audit

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// Since returns, oldest first, up to limit entries with after < seq ≤ upto
// whose action is one of actions: what a reader that follows the log (the
// webhooks) has not yet seen. Reading Head first and passing its seq as
// upto keeps the page inside one state of the log on either engine.
func Since(ctx context.Context, tx *db.Tx, after, upto int64, actions []string, limit int) ([]Entry, error) {
	if len(actions) == 0 || upto <= after {
		return nil, nil
	}
	args := []any{after, upto}
	in := db.In(&args, actions)
	rs, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM audit_log WHERE seq > $1 AND seq <= $2
		AND action IN (`+in+`) ORDER BY seq LIMIT `+db.Arg(&args, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log since %d: %w", after, err)
	}
	defer rs.Close()
	var out []Entry
	for rs.Next() {
		en, err := scanEntry(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, en)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read audit log since %d: %w", after, err)
	}
	return out, nil
}
