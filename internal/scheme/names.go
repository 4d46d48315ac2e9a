package scheme

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// The functions of this file name schemes, versions and library
// indicators for other packages (the audit log), in the caller's
// transaction; they check no policy.

// SchemeNames returns the names of the schemes of ids; ids without a
// scheme are absent.
func SchemeNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, name FROM schemes WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name schemes: %w", err)
	}
	return out, nil
}

// IndicatorNames returns the names of the library indicators of ids; ids
// without an indicator are absent.
func IndicatorNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, name FROM indicators WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name indicators: %w", err)
	}
	return out, nil
}

// VersionRef is how a scheme version is named: its scheme and number.
type VersionRef struct {
	SchemeID   int64
	SchemeName string
	Number     int
}

// VersionRefs returns the schemes and numbers of the versions of ids; ids
// without a version are absent.
func VersionRefs(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]VersionRef, error) {
	out := make(map[int64]VersionRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	err := db.EachRow(ctx, tx, `SELECT v.id, v.scheme_id, s.name, v.number FROM scheme_versions v
		JOIN schemes s ON s.id = v.scheme_id WHERE v.id IN (`+db.In(&args, ids)+`)`, args, func(scan func(...any) error) error {
		var id int64
		var r VersionRef
		if err := scan(&id, &r.SchemeID, &r.SchemeName, &r.Number); err != nil {
			return err
		}
		out[id] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("name scheme versions: %w", err)
	}
	return out, nil
}
