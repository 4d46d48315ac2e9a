package collect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"kaohe/internal/org"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// entityOf reads an entity by id: a unit, or a person placed at the unit
// of its primary post.
func entityOf(ctx context.Context, tx *db.Tx, id int64) (*entity, error) {
	u, err := org.GetUnit(ctx, tx, id)
	if err == nil {
		return &entity{id: id, kind: EntityUnit, code: u.Code, name: u.Name, path: u.Path, ukind: u.Kind, level: u.Level}, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	ps, err := org.PeopleByID(ctx, tx, []int64{id})
	if err != nil {
		return nil, err
	}
	p := ps[id]
	if p == nil {
		return nil, errs.NoSuch("entity")
	}
	pu, err := org.GetUnit(ctx, tx, p.UnitID)
	if err != nil {
		return nil, err
	}
	return &entity{id: id, kind: EntityPerson, code: "person:" + db.FormatID(id), name: p.Name, path: pu.Path}, nil
}

// mayRead checks that a may read the values of item it for entity e: a
// provider (or office) that may submit the item, or a reader of the entity.
func (s *Service) mayRead(a *auth.Actor, it *Item, e *entity) error {
	if s.pol.Authorize(a, auth.ActValueSubmit, it.OwnerPath) == nil && covers(it, e) {
		return nil
	}
	if e.kind == EntityPerson {
		return s.pol.AuthorizePerson(a, auth.ActValueRead, e.id, []string{e.path})
	}
	return s.pol.Authorize(a, auth.ActValueRead, e.path)
}

const valueCols2 = `v.id, v.entity_kind, v.entity_id, v.item_code, v.period, v.value, v.source, v.submitter_id, v.status,
	v.version, v.is_current, v.reason, v.flagged, v.created_at`

func scanValue(s interface{ Scan(...any) error }) (*Value, error) {
	var (
		v       Value
		created int64
	)
	err := s.Scan(&v.ID, &v.EntityKind, &v.EntityID, &v.ItemCode, &v.Period, &v.Value, &v.Source, &v.SubmitterID,
		&v.Status, &v.Version, &v.Current, &v.Reason, &v.Flagged, &created)
	if err != nil {
		return nil, err
	}
	v.CreatedAt = db.Micros(created)
	return &v, nil
}

// History returns every version of the value of item for an entity and
// period, the newest first.
func (s *Service) History(ctx context.Context, a *auth.Actor, entityID int64, item, period string) ([]*Value, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Value
	err := s.db.View(ctx, func(tx *db.Tx) error {
		_, e, err := s.readable(ctx, tx, a, item, entityID)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+valueCols2+` FROM data_values v
			WHERE v.item_code = $1 AND v.period = $2 AND v.entity_id = $3 ORDER BY v.version DESC`, item, period, entityID)
		if err != nil {
			return fmt.Errorf("read value history: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanValue(rows)
			if err != nil {
				return fmt.Errorf("read value history: %w", err)
			}
			v.EntityCode, v.EntityName = e.code, e.name
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// Review sets the status of the current version of the value of item for
// an entity and period: verified, or returned to the provider with a
// reason. The actor needs ActValueVerify on the entity.
func (s *Service) Review(ctx context.Context, a *auth.Actor, entityID int64, item, period string, status Status, reason string) (*Value, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if status != StatusVerified && status != StatusReturned {
		return nil, errs.Field("status", "collect.review.status_invalid", "a review verifies or returns a value")
	}
	if status == StatusReturned {
		if e := errs.CheckText("reason", "collect.review.reason", "reason", reason, 500, true); e != nil {
			return nil, e
		}
	}
	var out *Value
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := scanValue(tx.QueryRowContext(ctx, `SELECT `+valueCols2+` FROM data_values v
			WHERE v.item_code = $1 AND v.period = $2 AND v.entity_id = $3 AND v.is_current`, item, period, entityID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("value")
		}
		if err != nil {
			return fmt.Errorf("read value: %w", err)
		}
		e, err := entityOf(ctx, tx, v.EntityID)
		if err != nil {
			return err
		}
		if e.kind == EntityPerson {
			err = s.pol.AuthorizePerson(a, auth.ActValueVerify, e.id, []string{e.path})
		} else {
			err = s.pol.Authorize(a, auth.ActValueVerify, e.path)
		}
		if err != nil {
			return err
		}
		before := v.Status
		if _, err := tx.ExecContext(ctx, `UPDATE data_values SET status = $1
			WHERE item_code = $2 AND period = $3 AND entity_id = $4 AND version = $5`, string(status), item, period, entityID, v.Version); err != nil {
			return fmt.Errorf("review value %d: %w", v.ID, err)
		}
		v.Status = status
		v.EntityCode, v.EntityName = e.code, e.name
		out = v
		return auth.Record(ctx, tx, a, audit.Event{Action: "value.review", ObjectType: "data_value", ObjectID: db.FormatID(v.ID),
			UnitPath: e.path, Before: map[string]any{"status": before},
			After:  map[string]any{"status": status, "entity": e.code, "item": v.ItemCode, "period": v.Period, "version": v.Version},
			Reason: reason})
	})
	return out, err
}

// EntityValue is an entity's current value of an item, or its absence.
type EntityValue struct {
	EntityID   int64
	Code, Name string
	// Value is nil when nothing is submitted.
	Value *Value
}

// ItemValues is the current values of one item for a period in a region.
type ItemValues struct {
	Item   *Item
	Period string
	Region string
	Rows   []EntityValue
	// CanReview is true when the actor may verify or return the values.
	CanReview bool
}

// ItemValues lists the entities of the region regionID that item is
// collected for, each with its current value for period. The actor needs
// ActValueRead on the region.
func (s *Service) ItemValues(ctx context.Context, a *auth.Actor, regionID int64, item, period string) (*ItemValues, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &ItemValues{Period: period}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		ru, err := unitOf(ctx, tx, regionID, "unit")
		if err != nil {
			return err
		}
		region := ru.Path
		out.Region = ru.Name
		if err := s.pol.Authorize(a, auth.ActValueRead, region); err != nil {
			return err
		}
		out.CanReview = s.pol.Authorize(a, auth.ActValueVerify, region) == nil
		it, err := getItem(ctx, tx, item)
		if err != nil {
			return err
		}
		out.Item = it
		if it.EntityKind != EntityUnit {
			return nil
		}
		scope := region
		if strings.HasPrefix(it.ScopePath, region) {
			scope = it.ScopePath
		} else if !strings.HasPrefix(region, it.ScopePath) {
			return nil
		}
		us, err := org.ListUnits(ctx, tx, org.UnitQuery{Under: scope, Kind: it.UnitKind, Level: it.UnitLevel})
		if err != nil {
			return err
		}
		vals, err := currentOf(ctx, tx, item, period, EntityUnit)
		if err != nil {
			return err
		}
		for _, u := range us {
			ev := EntityValue{EntityID: u.ID, Code: u.Code, Name: u.Name}
			if v := vals[u.ID]; v != nil {
				v.EntityCode, v.EntityName = u.Code, u.Name
				ev.Value = v
			}
			out.Rows = append(out.Rows, ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// currentOf returns the current values of item for period, by entity.
func currentOf(ctx context.Context, tx *db.Tx, item, period string, kind EntityKind) (map[int64]*Value, error) {
	out := map[int64]*Value{}
	rows, err := tx.QueryContext(ctx, `SELECT `+valueCols2+` FROM data_values v
		WHERE v.item_code = $1 AND v.period = $2 AND v.is_current AND v.entity_kind = $3`, item, period, string(kind))
	if err != nil {
		return nil, fmt.Errorf("list item values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanValue(rows)
		if err != nil {
			return nil, fmt.Errorf("list item values: %w", err)
		}
		out[v.EntityID] = v
	}
	return out, rows.Err()
}
