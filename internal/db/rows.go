package db

import (
	"context"
	"fmt"
	"slices"
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

// namesChunk is the most keys one query of Names carries.
const namesChunk = 500

// Names returns the names of keys: query selects a key and a name from the
// rows whose key is in the list "%s" stands for, after the placeholders of
// args. Keys without a row are absent.
func Names[K comparable](ctx context.Context, tx *Tx, query string, keys []K, args ...any) (map[K]string, error) {
	out := make(map[K]string, len(keys))
	for start := 0; start < len(keys); start += namesChunk {
		a := slices.Clone(args)
		q := fmt.Sprintf(query, In(&a, keys[start:min(start+namesChunk, len(keys))]))
		err := EachRow(ctx, tx, q, a, func(scan func(...any) error) error {
			var k K
			var name string
			if err := scan(&k, &name); err != nil {
				return err
			}
			out[k] = name
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
