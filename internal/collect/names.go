package collect

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// The functions of this file name data items and evidence files for other
// packages (the audit log), in the caller's transaction; they check no
// policy.

// ItemNames returns the names of the data items of codes; codes without an
// item are absent.
func ItemNames(ctx context.Context, tx *db.Tx, codes []string) (map[string]string, error) {
	out, err := db.Names(ctx, tx, `SELECT code, name FROM data_items WHERE code IN (%s)`, codes)
	if err != nil {
		return nil, fmt.Errorf("name data items: %w", err)
	}
	return out, nil
}

// EvidenceNames returns the file names of the evidence of ids; ids without
// evidence are absent.
func EvidenceNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, name FROM value_evidence WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name evidence: %w", err)
	}
	return out, nil
}
