package collect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Correction is a value that the assessment team found on site (实地核查)
// for an entity, a data item and a period, and why it differs.
type Correction struct {
	// EntityID is the unit or person the value is of.
	EntityID     int64
	Item, Period string
	// Value is the value found, as written in a form.
	Value string
	// Reason says why the value found replaces the current one.
	Reason string
}

// Corrected tells what a correction did.
type Corrected struct {
	// Previous is the current value before the correction.
	Previous float64
	// Value is the value found.
	Value float64
	// Version is the version current after the correction: a new one, or
	// the previous one when the value found confirms it.
	Version int
	// Changed is false when the value found is the current one: it is
	// confirmed and nothing is written.
	Changed bool
	// BatchID names the correction in the audit log; 0 when unchanged.
	BatchID int64
}

// Correct writes the value a field verification found as a new version of
// the current value of the item, through the path every correction takes:
// the value is parsed and checked against the item, needs a reason, is
// flagged when far from the previous period, starts submitted for the
// office's review and is recorded in the audit log as value.correct. A
// value equal to the current one confirms it and writes nothing. There
// must be a value to correct: the team corrects, it does not collect.
//
// Correct runs in the caller's transaction, so that the verification that
// found the value is stored with it or not at all; the actor needs
// ActValueCorrect on the entity.
func (s *Service) Correct(ctx context.Context, tx *db.Tx, a *auth.Actor, c Correction) (*Corrected, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	e, err := entityOf(ctx, tx, c.EntityID)
	if err != nil {
		return nil, err
	}
	if e.kind == EntityPerson {
		err = s.pol.AuthorizePerson(a, auth.ActValueCorrect, e.id, []string{e.path})
	} else {
		err = s.pol.Authorize(a, auth.ActValueCorrect, e.path)
	}
	if err != nil {
		return nil, err
	}
	var cur existing
	err = tx.QueryRowContext(ctx, `SELECT id, version, value FROM data_values
		WHERE item_code = $1 AND period = $2 AND entity_id = $3 AND is_current`, c.Item, c.Period, c.EntityID).Scan(&cur.id, &cur.version, &cur.value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Field("item", "collect.correct.no_value", "there is no value of this item for the period to correct")
	}
	if err != nil {
		return nil, fmt.Errorf("read current value: %w", err)
	}
	b := Batch{Source: SourceVerification, Period: c.Period,
		Rows: []Row{{Entity: e.code, Item: c.Item, Period: c.Period, Value: c.Value, Reason: c.Reason}}}
	p, err := s.prepare(ctx, tx, a, &b, false)
	if err != nil {
		return nil, err
	}
	out := &Corrected{Previous: cur.value, Value: cur.value, Version: int(cur.version)}
	if len(p.recs) == 0 || p.recs[0].value == cur.value {
		return out, nil
	}
	out.Value, out.Version, out.Changed = p.recs[0].value, int(p.recs[0].version), true
	if err := p.write(ctx, tx, nil, a, s.first); err != nil {
		return nil, err
	}
	out.BatchID = p.rep.BatchID
	return out, p.record(ctx, tx, a)
}
