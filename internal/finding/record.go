package finding

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Create records a finding with its evidence files. The actor needs
// ActFindingWrite on the body; the unit must lie in the body's
// jurisdiction and each person named must have served in the unit's
// subtree, else NotFound. Bad input writes nothing and returns every
// problem (errs.List).
func (s *Service) Create(ctx context.Context, a *auth.Actor, d Draft, files []Upload) (*Finding, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	d.normalise()
	l := d.problems(s.db.Clock())
	l = append(l, uploadProblems(files, 0)...)
	if len(l) > 0 {
		return nil, l
	}
	var out *Finding
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.create(ctx, tx, a, d, files, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// create records a checked draft inside tx, its audit event with reason.
func (s *Service) create(ctx context.Context, tx *db.Tx, a *auth.Actor, d Draft, files []Upload, reason string) (*Finding, error) {
	p, err := s.place(ctx, tx, a, &d)
	if err != nil {
		return nil, err
	}
	f := &Finding{ID: db.NewID(), Status: Active, CreatedAt: tx.Now, UpdatedAt: tx.Now}
	f.apply(&d, p)
	if _, err := tx.ExecContext(ctx, `INSERT INTO findings (id, body_unit_id, source, category, severity, found_on, reference, title,
		description, unit_id, status, notified_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
		f.ID, f.BodyID, f.Source, f.Category, f.Severity, f.FoundOn, f.Reference, f.Title, f.Description, f.UnitID, f.Status,
		f.NotifiedOn, tx.Now.UnixMicro()); err != nil {
		return nil, fmt.Errorf("insert finding: %w", err)
	}
	if err := nameCadres(ctx, tx, f.ID, f.PersonIDs()); err != nil {
		return nil, err
	}
	stored, err := storeFiles(ctx, tx, a, f.ID, files)
	if err != nil {
		return nil, err
	}
	after := f.summary()
	if len(stored) > 0 {
		after["files"] = fileSummaries(stored)
	}
	return f, auth.Record(ctx, tx, a, audit.Event{Action: "finding.create", ObjectType: "finding", ObjectID: db.FormatID(f.ID),
		UnitPath: f.unitPath, After: after, Reason: reason})
}

// apply sets the fields a draft gives, with its placed body, unit and
// people.
func (f *Finding) apply(d *Draft, p *placed) {
	f.BodyID, f.Body, f.bodyPath = p.body.ID, p.body.Name, p.body.Path
	f.Source, f.Category, f.Severity, f.FoundOn = d.Source, d.Category, d.Severity, d.FoundOn
	f.Reference, f.Title, f.Description = d.Reference, d.Title, d.Description
	f.UnitID, f.Unit, f.UnitCode, f.unitPath = p.unit.ID, p.unit.Name, p.unit.Code, p.unit.Path
	f.People = p.people
}

// nameCadres stores the people finding id names.
func nameCadres(ctx context.Context, tx *db.Tx, id int64, people []int64) error {
	for _, p := range people {
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_people (finding_id, person_id) VALUES ($1, $2)`, id, p); err != nil {
			return fmt.Errorf("name cadres: %w", err)
		}
	}
	return nil
}

// writable reads finding id and checks that a may change it and that it
// is active: an exempted or voided finding is closed.
func (s *Service) writable(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Finding, error) {
	f, err := get(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayWrite(a, f); err != nil {
		return nil, err
	}
	if f.Status != Active {
		e := errs.New(errs.Conflict, "finding.closed", fmt.Sprintf("the finding is %s: it no longer changes", f.Status))
		e.Args = map[string]any{"status": string(f.Status)}
		return nil, e
	}
	return f, nil
}

// Update changes finding id to d (its body stays), for reason. The actor
// needs ActFindingWrite on the finding's body, which must still cover the
// unit and people; the finding must be active. Bad input writes nothing and
// returns every problem; a draft that changes nothing is refused.
func (s *Service) Update(ctx context.Context, a *auth.Actor, id int64, d Draft, reason string) (*Finding, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	d.normalise()
	reason = strings.TrimSpace(reason)
	l := d.problems(s.db.Clock())
	if e := errs.CheckText("reason", "finding.reason", "the reason", reason, maxReason, true); e != nil {
		l.Add(e)
	}
	if len(l) > 0 {
		return nil, l
	}
	var out *Finding
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.writable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.FoundOn > f.NotifiedOn && f.Notified() {
			return errs.Field("found_on", "finding.found_on_after_notice", "the finding cannot be dated after it was notified")
		}
		d.BodyID = f.BodyID
		p, err := s.place(ctx, tx, a, &d)
		if err != nil {
			return err
		}
		before := f.summary()
		f.apply(&d, p)
		after := f.summary()
		if maps.EqualFunc(before, after, func(x, y any) bool { return reflect.DeepEqual(x, y) }) {
			return errs.New(errs.Invalid, "finding.unchanged", "the finding is as it was: nothing to change")
		}
		f.UpdatedAt = tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET source = $1, category = $2, severity = $3, found_on = $4, reference = $5,
			title = $6, description = $7, unit_id = $8, updated_at = $9 WHERE id = $10`, f.Source, f.Category, f.Severity, f.FoundOn,
			f.Reference, f.Title, f.Description, f.UnitID, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("update finding: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM finding_people WHERE finding_id = $1`, id); err != nil {
			return fmt.Errorf("update finding: %w", err)
		}
		if err := nameCadres(ctx, tx, id, f.PersonIDs()); err != nil {
			return err
		}
		out = f
		return auth.Record(ctx, tx, a, audit.Event{Action: "finding.update", ObjectType: "finding", ObjectID: db.FormatID(id),
			UnitPath: f.unitPath, Before: before, After: after, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Notify records that finding id was notified on day ('YYYY-MM-DD', ""
// for today) to those it names: from then on the cadres it names read it.
// The actor needs ActFindingWrite on the finding's body; the finding must
// be active and not notified yet, and day neither before the finding nor
// after today.
func (s *Service) Notify(ctx context.Context, a *auth.Actor, id int64, day, reason string) (*Finding, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	day, reason = strings.TrimSpace(day), strings.TrimSpace(reason)
	now := s.db.Clock()
	if day == "" {
		day = today(now)
	}
	if e := errs.CheckText("reason", "finding.reason", "the reason", reason, maxReason, false); e != nil {
		return nil, e
	}
	var out *Finding
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.writable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if f.Notified() {
			e := errs.New(errs.Conflict, "finding.notified_already", "the finding was notified on "+f.NotifiedOn)
			e.Args = map[string]any{"day": f.NotifiedOn}
			return e
		}
		if e := checkDay("notified_on", "finding.notified_on", day, f.FoundOn, now); e != nil {
			return e
		}
		f.NotifiedOn, f.UpdatedAt = day, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET notified_on = $1, updated_at = $2 WHERE id = $3`, day, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("notify finding: %w", err)
		}
		out = f
		return auth.Record(ctx, tx, a, audit.Event{Action: "finding.notify", ObjectType: "finding", ObjectID: db.FormatID(id),
			UnitPath: f.unitPath, Before: map[string]any{"notified_on": ""}, After: map[string]any{"notified_on": day,
				"people": idStrings(f.PersonIDs())}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// touch marks finding id changed now.
func touch(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE findings SET updated_at = $1 WHERE id = $2`, tx.Now.UnixMicro(), id); err != nil {
		return fmt.Errorf("update finding: %w", err)
	}
	return nil
}
