package org

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// GrantUnits gives package auth the units its grants name (auth.Units).
type GrantUnits struct{}

// UnitRefs implements auth.Units.
func (GrantUnits) UnitRefs(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.UnitRef, error) {
	us, err := UnitsByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]auth.UnitRef, len(us))
	for id, u := range us {
		out[id] = auth.UnitRef{ID: u.ID, Path: u.Path, Code: u.Code, Name: u.Name}
	}
	return out, nil
}

// UnitRefsByCode implements auth.Units.
func (GrantUnits) UnitRefsByCode(ctx context.Context, tx *db.Tx, code string) ([]auth.UnitRef, error) {
	us, err := UnitsByCode(ctx, tx, []string{code})
	if err != nil {
		return nil, err
	}
	if u := us[code]; u != nil {
		return []auth.UnitRef{{ID: u.ID, Path: u.Path, Code: u.Code, Name: u.Name}}, nil
	}
	return nil, nil
}
