package fieldwork

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Verification is a record of a field verification (实地核查) of an
// entity.
type Verification struct {
	ID      int64
	CycleID int64
	Entity  string
	// CheckedOn is the day of the verification, 'YYYY-MM-DD'.
	CheckedOn string
	// Checked says what was checked, Finding what the team found.
	Checked, Finding string
	// Item and Period name the data value verified, "" for none.
	Item, Period string
	// Previous is the value stored when it was verified and Found the
	// value found on site; nil without an item.
	Previous, Found *float64
	// Corrected says the found value replaced the stored one (as a
	// correction in collect, for the office to review).
	Corrected bool
	// Reason explains the value found.
	Reason     string
	RecorderID int64
	// Recorder is the name of the user who recorded it; loaded.
	Recorder  string
	CreatedAt time.Time
	Files     []*File
}

// NewVerification is what the team records of a verification.
type NewVerification struct {
	CheckedOn, Checked, Finding string
	// Item is the data item whose value was verified, "" for none; Value
	// is the value found, as written, and Reason explains it — that it
	// agrees with the records, or why it differs.
	Item, Value, Reason string
	Files               []Upload
}

// Limits of a verification's text.
const (
	maxChecked = 500
	maxFinding = 2000
	maxReason  = 500
)

// problems checks the fields that need no database.
func (v *NewVerification) problems(now time.Time) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	add(checkDay("checked_on", "fieldwork.verification.checked_on", v.CheckedOn, now))
	add(errs.CheckText("checked", "fieldwork.verification.checked", "what was checked", v.Checked, maxChecked, true))
	add(errs.CheckText("finding", "fieldwork.verification.finding", "the finding", v.Finding, maxFinding, true))
	switch {
	case v.Item == "" && v.Value != "":
		add(errs.Field("item", "fieldwork.verification.item_required", "a value found needs the data item it is of"))
	case v.Item != "" && strings.TrimSpace(v.Value) == "":
		add(errs.Field("value", "fieldwork.verification.value_required", "name the value found for the data item"))
	case v.Item != "":
		add(errs.CheckText("reason", "fieldwork.verification.reason", "the explanation of the value found", v.Reason, maxReason, true))
	}
	if len(v.Files) > MaxFiles {
		e := errs.Field("files", "fieldwork.evidence.too_many", fmt.Sprintf("a verification holds at most %d files", MaxFiles))
		e.Args = map[string]any{"max": MaxFiles}
		add(e)
	}
	for i := range v.Files {
		if _, err := v.Files[i].check(); err != nil {
			add(err)
		}
	}
	return l
}

// Verify records a verification of entity key in cycle id. With an item,
// the value found goes through collect's correction path in the same
// transaction: it replaces the stored value of the cycle's period as a new
// version for the office to review, or confirms it when it agrees. The
// actor needs ActFieldWrite on the entity (and collect ActValueCorrect).
// Bad input writes nothing and returns every problem (errs.List).
func (s *Service) Verify(ctx context.Context, a *auth.Actor, id int64, key string, nv NewVerification) (*Verification, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	nv.Checked, nv.Finding, nv.Item, nv.Value, nv.Reason = strings.TrimSpace(nv.Checked), strings.TrimSpace(nv.Finding),
		strings.TrimSpace(nv.Item), strings.TrimSpace(nv.Value), strings.TrimSpace(nv.Reason)
	if l := nv.problems(s.db.Clock()); len(l) > 0 {
		return nil, l
	}
	var out *Verification
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.writable(ctx, tx, a, id, key)
		if err != nil {
			return err
		}
		v := &Verification{ID: db.NewID(), CycleID: id, Entity: key, CheckedOn: nv.CheckedOn, Checked: nv.Checked,
			Finding: nv.Finding, Reason: nv.Reason, RecorderID: a.UserID, Recorder: a.Name, CreatedAt: tx.Now}
		if nv.Item != "" {
			items, err := verifiable(ctx, tx, t.Cycle)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(items, func(it Item) bool { return it.Code == nv.Item }) {
				return errs.Field("item", "fieldwork.verification.item_unknown", "the data item is not one the cycle's scheme reads")
			}
			entityID := t.Entity.UnitID
			if t.Entity.PersonID != 0 {
				entityID = t.Entity.PersonID
			}
			c, err := s.values.Correct(ctx, tx, a, collect.Correction{EntityID: entityID, Item: nv.Item, Period: t.Cycle.Period,
				Value: nv.Value, Reason: nv.Reason})
			if err != nil {
				return err
			}
			v.Item, v.Period, v.Previous, v.Found, v.Corrected = nv.Item, t.Cycle.Period, &c.Previous, &c.Value, c.Changed
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO verifications (id, cycle_id, entity, unit_path, checked_on, checked, finding,
			item_code, period, previous_value, found_value, corrected, reason, recorder_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			v.ID, id, key, t.Entity.UnitPath, v.CheckedOn, v.Checked, v.Finding, v.Item, v.Period, nullable(v.Previous), nullable(v.Found),
			v.Corrected, v.Reason, a.UserID, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert verification: %w", err)
		}
		if v.Files, err = storeFiles(ctx, tx, v.ID, nv.Files); err != nil {
			return err
		}
		out = v
		return auth.Record(ctx, tx, a, audit.Event{Action: "verification.record", ObjectType: "verification", ObjectID: db.FormatID(v.ID),
			UnitPath: t.Entity.UnitPath, After: v.summary(t)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (v *Verification) summary(t *Target) map[string]any {
	m := map[string]any{"cycle": t.Cycle.Code, "entity": v.Entity, "name": t.Entity.Name, "checked_on": v.CheckedOn,
		"checked": v.Checked, "finding": v.Finding}
	if v.Item != "" {
		m["item"], m["period"], m["previous"], m["found"], m["corrected"], m["reason"] = v.Item, v.Period, *v.Previous, *v.Found, v.Corrected, v.Reason
	}
	var files []map[string]any
	for _, f := range v.Files {
		files = append(files, map[string]any{"name": f.Name, "type": f.ContentType, "size": f.Size, "sha256": f.SHA256})
	}
	if len(files) > 0 {
		m["files"] = files
	}
	return m
}

func nullable(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

// verifications reads the verifications of entity key in cycle id, the
// newest day first, with their files' descriptions and recorders' names.
func verifications(ctx context.Context, tx *db.Tx, id int64, key string) ([]*Verification, error) {
	var out []*Verification
	err := db.EachRow(ctx, tx, `SELECT id, checked_on, checked, finding, item_code, period, previous_value, found_value, corrected,
		reason, recorder_id, created_at FROM verifications WHERE cycle_id = $1 AND entity = $2 ORDER BY checked_on DESC, created_at DESC, id`,
		[]any{id, key}, func(scan func(...any) error) error {
			v := &Verification{CycleID: id, Entity: key}
			var prev, found sql.NullFloat64
			var created int64
			if err := scan(&v.ID, &v.CheckedOn, &v.Checked, &v.Finding, &v.Item, &v.Period, &prev, &found, &v.Corrected,
				&v.Reason, &v.RecorderID, &created); err != nil {
				return err
			}
			if prev.Valid {
				v.Previous = &prev.Float64
			}
			if found.Valid {
				v.Found = &found.Float64
			}
			v.CreatedAt = db.Micros(created)
			out = append(out, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read verifications: %w", err)
	}
	if err := attachFiles(ctx, tx, out); err != nil {
		return nil, err
	}
	return out, recorders(ctx, tx, len(out), func(i int) (int64, *string) { return out[i].RecorderID, &out[i].Recorder })
}

// recorders fills in the names of the users who recorded n rows: at(i)
// gives row i's user and where its name goes.
func recorders(ctx context.Context, tx *db.Tx, n int, at func(i int) (int64, *string)) error {
	var ids []int64
	for i := range n {
		id, _ := at(i)
		ids = append(ids, id)
	}
	names, err := auth.UserNames(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range n {
		id, name := at(i)
		*name = names[id].Name
	}
	return nil
}
