package collect

import (
	"context"
	"database/sql"
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
		rows, err := tx.QueryContext(ctx, `SELECT `+valueCols2+`, u.name, u.login FROM data_values v
			LEFT JOIN users u ON u.id = v.submitter_id
			WHERE v.item_code = $1 AND v.entity_id = $2 ORDER BY v.period DESC, v.version DESC`, item, entityID)
		if err != nil {
			return fmt.Errorf("read value history: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				v           Value
				created     int64
				name, login sql.NullString
			)
			if err := rows.Scan(&v.ID, &v.EntityKind, &v.EntityID, &v.ItemCode, &v.Period, &v.Value, &v.Source,
				&v.SubmitterID, &v.Status, &v.Version, &v.Current, &v.Reason, &v.Flagged, &created, &name, &login); err != nil {
				return fmt.Errorf("read value history: %w", err)
			}
			v.CreatedAt = db.Micros(created)
			v.EntityCode, v.EntityName = e.code, e.name
			out.Versions = append(out.Versions, &HistoryVersion{Value: &v, Submitter: name.String, Login: login.String})
		}
		return rows.Err()
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
