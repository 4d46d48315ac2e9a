package collect

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// ValueHistory is every version of an entity's values of one item, in
// every period: what was submitted, by whom and how, and what became of it.
type ValueHistory struct {
	Item *Item
	// EntityID, EntityCode and EntityName describe the entity.
	EntityID               int64
	EntityCode, EntityName string
	// Versions run from the newest period to the oldest, and within a
	// period from the newest version to the first.
	Versions []*HistoryVersion
}

// HistoryVersion is one version of a value with its submitter's name.
type HistoryVersion struct {
	*Value
	// Submitter is the submitting user's name and Login its login; both
	// are "" for the system (imports, the demo).
	Submitter, Login string
}

// ValueHistory returns every version of the values of item for the entity
// entityID, in all periods. The actor needs to read the values: the owner
// department (or the office above it) when the item covers the entity, or
// a reader of the entity (ActValueRead).
func (s *Service) ValueHistory(ctx context.Context, a *auth.Actor, entityID int64, item string) (*ValueHistory, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &ValueHistory{EntityID: entityID}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		it, e, err := s.readable(ctx, tx, a, item, entityID)
		if err != nil {
			return err
		}
		out.Item, out.EntityCode, out.EntityName = it, e.code, e.name
		rows, err := tx.QueryContext(ctx, `SELECT `+valueCols2+` FROM data_values v
			WHERE v.item_code = $1 AND v.entity_id = $2 ORDER BY v.period DESC, v.version DESC`, item, entityID)
		if err != nil {
			return fmt.Errorf("read value history: %w", err)
		}
		defer rows.Close()
		var who []int64
		for rows.Next() {
			v, err := scanValue(rows)
			if err != nil {
				return fmt.Errorf("read value history: %w", err)
			}
			v.EntityCode, v.EntityName = e.code, e.name
			out.Versions = append(out.Versions, &HistoryVersion{Value: v})
			who = append(who, v.SubmitterID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		names, err := auth.UserNames(ctx, tx, who)
		if err != nil {
			return err
		}
		for _, hv := range out.Versions {
			n := names[hv.Value.SubmitterID]
			hv.Submitter, hv.Login = n.Name, n.Login
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readable reads an item and an entity and checks that a may read the
// item's values for the entity.
func (s *Service) readable(ctx context.Context, tx *db.Tx, a *auth.Actor, item string, entityID int64) (*Item, *entity, error) {
	it, err := getItem(ctx, tx, item)
	if err != nil {
		return nil, nil, err
	}
	e, err := entityOf(ctx, tx, entityID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mayRead(a, it, e); err != nil {
		return nil, nil, err
	}
	return it, e, nil
}
