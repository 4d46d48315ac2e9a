package auth

import (
	"context"

	"kaohe/internal/db"
)

// UnitRef is what a grant shows of its unit.
type UnitRef struct {
	ID               int64
	Path, Code, Name string
}

// Units is how auth reads the jurisdiction tree, which package org owns
// (org.GrantUnits, wired in by the server): auth sits below org and never
// queries org's tables itself.
type Units interface {
	// UnitRefs returns the units of ids; unknown ids are absent.
	UnitRefs(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]UnitRef, error)
	// UnitRefsByCode returns the units with code (codes are unique, but a
	// caller reports more than one).
	UnitRefsByCode(ctx context.Context, tx *db.Tx, code string) ([]UnitRef, error)
}
