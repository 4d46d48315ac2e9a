package db

import (
	"context"
	"strings"
)

// EachRow runs query and calls fn for each row with the row's Scan; it
// stops at the first error of the query, of fn or of the rows.
func EachRow(ctx context.Context, tx *Tx, query string, args []any, fn func(scan func(dest ...any) error) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// In appends vals to args and returns their placeholders joined by commas,
// for "col IN (" + In(&args, vals) + ")". vals must not be empty.
func In[T any](args *[]any, vals []T) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = Arg(args, v)
	}
	return strings.Join(ph, ", ")
}
