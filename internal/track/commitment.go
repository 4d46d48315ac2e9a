package track

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Dimensions are the dimensions a commitment belongs to, the top of the
// indicator trees the demo and most schemes use (R1.1); the pages label
// them under track.dimension.
var Dimensions = []string{"economy", "innovation", "ecology", "livelihood", "party", "governance"}

// Commitment is a promise of a leadership team or a leading cadre for a
// year, as its current version has it.
type Commitment struct {
	ID    int64
	Owner OwnerKind
	// UnitID is the team's unit, or the unit of the cadre's post; PersonID
	// the cadre (0 for a team's).
	UnitID, PersonID int64
	// Unit and Person name them (loaded).
	Unit, Person string
	Year         int
	Title        string
	// Dimension is one of Dimensions.
	Dimension string
	Target    TargetKind
	// ItemCode and TargetValue are the data item and the value it reaches
	// by DueOn for a value target; Item names the item with its measure
	// (loaded).
	ItemCode    string
	Item        string
	TargetValue *float64
	DueOn       string
	Milestones  []Milestone
	Version     int
	Status      Status
	// ReviewComment is the office's comment when it returned the
	// commitment or its change.
	ReviewComment string
	Stage         Stage
	Verdict       Verdict
	VerdictReason string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	unitPath      string
}

// Milestone is a dated step of a qualitative commitment.
type Milestone struct {
	Title string
	DueOn string
}

// Draft is a commitment as its owner writes it.
type Draft struct {
	Owner            OwnerKind
	UnitID, PersonID int64
	Year             int
	Title, Dimension string
	Target           TargetKind
	ItemCode         string
	// TargetValue is the value as written ("" for none).
	TargetValue string
	DueOn       string
	Milestones  []Milestone
}

// normalise trims the draft's text.
func (d *Draft) normalise() {
	d.Title, d.Dimension, d.ItemCode = strings.TrimSpace(d.Title), strings.TrimSpace(d.Dimension), strings.TrimSpace(d.ItemCode)
	d.TargetValue, d.DueOn = strings.TrimSpace(d.TargetValue), strings.TrimSpace(d.DueOn)
	var ms []Milestone
	for _, m := range d.Milestones {
		m.Title, m.DueOn = strings.TrimSpace(m.Title), strings.TrimSpace(m.DueOn)
		if m.Title != "" || m.DueOn != "" {
			ms = append(ms, m)
		}
	}
	d.Milestones = ms
	if d.Owner == OwnerUnit {
		d.PersonID = 0
	}
	if d.Target == TargetMilestones {
		d.ItemCode, d.TargetValue = "", ""
	}
}

// problems checks the draft's own fields and returns every problem.
func (d *Draft) problems() errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	if !d.Owner.Valid() {
		add(errs.Field("owner", "track.owner_invalid", "say whether the commitment is the team's or a cadre's"))
	}
	if d.UnitID == 0 {
		add(errs.Field("unit", "track.unit_required", "choose the unit"))
	}
	if d.Owner == OwnerPerson && d.PersonID == 0 {
		add(errs.Field("person", "track.person_required", "choose the cadre"))
	}
	if d.Year < 2000 || d.Year > 2100 {
		add(errs.Field("year", "track.year_invalid", "the year is a year from 2000 to 2100"))
	}
	add(errs.CheckText("title", "track.title", "the title", d.Title, maxTitle, true))
	if !slices.Contains(Dimensions, d.Dimension) {
		add(errs.Field("dimension", "track.dimension_invalid", "choose the dimension the commitment belongs to"))
	}
	switch d.Target {
	case TargetValue:
		if d.ItemCode == "" {
			add(errs.Field("item", "track.item_required", "choose the data item the target is measured by"))
		}
		if _, e := d.value(); e != nil {
			add(e)
		}
		if e := checkDay("due_on", "track.due_on", d.DueOn, d.Year); e != nil {
			add(e)
		}
	case TargetMilestones:
		if len(d.Milestones) == 0 {
			add(errs.Field("milestones", "track.milestones_required", "give at least one milestone with its date"))
		}
		if len(d.Milestones) > maxMilestones {
			e := errs.Field("milestones", "track.milestones_too_many", fmt.Sprintf("at most %d milestones", maxMilestones))
			e.Args = map[string]any{"max": maxMilestones}
			add(e)
		}
		for i, m := range d.Milestones {
			if e := errs.CheckText("milestones", "track.milestone_title", "the milestone", m.Title, maxTitle, true); e != nil {
				e.Row = i + 1
				add(e)
			}
			if e := checkDay("milestones", "track.milestone_due", m.DueOn, d.Year); e != nil {
				e.Row = i + 1
				add(e)
			}
		}
	default:
		add(errs.Field("target", "track.target_invalid", "say whether the target is a value or milestones"))
	}
	return l
}

// value parses the target value.
func (d *Draft) value() (*float64, *errs.Error) {
	v, err := strconv.ParseFloat(d.TargetValue, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		e := errs.Field("target_value", "track.target_value_invalid", fmt.Sprintf("%q is not a number", d.TargetValue))
		e.Args = map[string]any{"value": d.TargetValue}
		return nil, e
	}
	return &v, nil
}

// checkDay checks that day is a date 'YYYY-MM-DD' of year.
func checkDay(field, key, day string, year int) *errs.Error {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return errs.Field(field, key+"_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", day))
	}
	if t.Year() != year {
		e := errs.Field(field, key+"_year", fmt.Sprintf("%s is not in %d", day, year))
		e.Args = map[string]any{"day": day, "year": year}
		return e
	}
	return nil
}

// placed is what a draft names, read and checked.
type placed struct {
	unit   *org.Unit
	person *org.Person
	item   *collect.Item
}

// place reads the draft's unit, cadre and item, checks that a may write
// the owner's commitments and that the unit reports the target's item.
func (s *Service) place(ctx context.Context, tx *db.Tx, a *auth.Actor, d *Draft) (*placed, error) {
	u, err := org.GetUnit(ctx, tx, d.UnitID)
	if err != nil {
		return nil, fieldNotFound(err, "unit")
	}
	p := &placed{unit: u}
	if err := s.mayWrite(ctx, tx, a, d.Owner, u.Path, d.PersonID); err != nil {
		return nil, err
	}
	if d.Owner == OwnerPerson {
		ps, err := org.PeopleByID(ctx, tx, []int64{d.PersonID})
		if err != nil {
			return nil, err
		}
		if p.person = ps[d.PersonID]; p.person == nil {
			return nil, errs.Field("person", errs.KeyNotFound, "no such cadre")
		}
		paths, err := org.PersonPaths(ctx, tx, []int64{d.PersonID}, false)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(paths[d.PersonID], u.Path) {
			return nil, errs.Field("person", "track.person_not_in_unit", "the cadre holds no post in the unit")
		}
	}
	if d.Target == TargetValue {
		it, err := collect.ItemOf(ctx, tx, d.ItemCode)
		if err != nil {
			return nil, fieldNotFound(err, "item")
		}
		if !reports(it, u) {
			e := errs.Field("item", "track.item_not_reported", fmt.Sprintf("%s is not reported for %s", it.Name, u.Name))
			e.Args = map[string]any{"item": it.Name, "unit": u.Name}
			return nil, e
		}
		p.item = it
	}
	return p, nil
}

// reports reports whether item it is reported for unit u, so that a
// target tied to it can be checked against u's values.
func reports(it *collect.Item, u *org.Unit) bool {
	if it.EntityKind == collect.EntityPerson {
		return strings.HasPrefix(u.Path, it.ScopePath)
	}
	return it.Covers(u.Path, u.Kind, u.Level)
}

// fieldNotFound names field in a NotFound error.
func fieldNotFound(err error, field string) error {
	if e, ok := err.(*errs.Error); ok && e.Code == errs.NotFound {
		e.Field = field
	}
	return err
}

// mayWrite checks that a may write the commitments of an owner: a cadre
// her own (the office on her behalf), a team's cadres and the office the
// team's.
func (s *Service) mayWrite(ctx context.Context, tx *db.Tx, a *auth.Actor, owner OwnerKind, unitPath string, personID int64) error {
	if owner == OwnerUnit {
		return s.pol.Authorize(a, auth.ActTeamCommitmentWrite, unitPath)
	}
	paths, err := org.PersonPaths(ctx, tx, []int64{personID}, false)
	if err != nil {
		return err
	}
	return s.pol.AuthorizePerson(a, auth.ActCommitmentWrite, personID, append(paths[personID], unitPath))
}

// apply sets the fields a checked draft gives.
func (c *Commitment) apply(d *Draft, p *placed) {
	c.Owner, c.UnitID, c.PersonID, c.Year = d.Owner, d.UnitID, d.PersonID, d.Year
	c.Unit, c.unitPath = p.unit.Name, p.unit.Path
	c.Person = ""
	if p.person != nil {
		c.Person = p.person.Name
	}
	c.Title, c.Dimension, c.Target, c.DueOn = d.Title, d.Dimension, d.Target, d.DueOn
	c.ItemCode, c.Item, c.TargetValue = "", "", nil
	if p.item != nil {
		c.ItemCode, c.Item = p.item.Code, p.item.Label()
		c.TargetValue, _ = d.value()
	}
	c.Milestones = d.Milestones
	if d.Target == TargetMilestones {
		c.DueOn = d.Milestones[len(d.Milestones)-1].DueOn
	}
}

// summary is the commitment's content as the audit log records it.
func (c *Commitment) summary() map[string]any {
	m := map[string]any{"owner": c.Owner, "unit_id": db.FormatID(c.UnitID), "person_id": db.FormatID(c.PersonID), "year": c.Year,
		"title": c.Title, "dimension": c.Dimension, "target": c.Target, "due_on": c.DueOn, "version": c.Version}
	if c.ItemCode != "" {
		m["item"] = c.ItemCode
	}
	if c.TargetValue != nil {
		m["target_value"] = *c.TargetValue
	}
	var ms []string
	for _, x := range c.Milestones {
		ms = append(ms, x.DueOn+" "+x.Title)
	}
	if len(ms) > 0 {
		m["milestones"] = ms
	}
	return m
}

// File records a commitment from d and submits it to the office's review.
// The actor must be its owner (a cadre for herself, a team's cadre for the
// team) or the office; a value target's item must be one the unit
// reports. Bad input writes nothing and returns every problem (errs.List).
func (s *Service) File(ctx context.Context, a *auth.Actor, d Draft) (*Commitment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	d.normalise()
	if l := d.problems(); len(l) > 0 {
		return nil, l
	}
	var out *Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.place(ctx, tx, a, &d)
		if err != nil {
			return err
		}
		c := &Commitment{ID: db.NewID(), Version: 1, Status: Submitted, Stage: StageNone, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		c.apply(&d, p)
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitments (id, owner_kind, unit_id, person_id, year, title, dimension,
			target_kind, item_code, target_value, due_on, version, status, review_comment, stage, verdict, verdict_reason, created_by,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, '', $13, '', '', $14, $15, $15)`,
			c.ID, c.Owner, c.UnitID, c.PersonID, c.Year, c.Title, c.Dimension, c.Target, c.ItemCode, c.TargetValue, c.DueOn,
			c.Status, c.Stage, a.UserID, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert commitment: %w", err)
		}
		if err := writeMilestones(ctx, tx, c.ID, c.Milestones); err != nil {
			return err
		}
		out = c
		return auth.Record(ctx, tx, a, audit.Event{Action: "commitment.file", ObjectType: "commitment", ObjectID: db.FormatID(c.ID),
			UnitPath: c.unitPath, After: c.summary()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Revise changes a returned commitment to d (its owner stays) and submits
// it again. The actor must be its owner or the office.
func (s *Service) Revise(ctx context.Context, a *auth.Actor, id int64, d Draft) (*Commitment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(ctx, tx, a, c.Owner, c.unitPath, c.PersonID); err != nil {
			return err
		}
		if c.Status != Returned {
			return conflict("track.not_returned", "only a returned commitment is revised; change an approved one by a change request")
		}
		d.Owner, d.UnitID, d.PersonID, d.Year = c.Owner, c.UnitID, c.PersonID, c.Year
		d.normalise()
		if l := d.problems(); len(l) > 0 {
			return l
		}
		p, err := s.place(ctx, tx, a, &d)
		if err != nil {
			return err
		}
		before := c.summary()
		c.apply(&d, p)
		c.Status, c.UpdatedAt = Submitted, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET title = $1, dimension = $2, target_kind = $3, item_code = $4,
			target_value = $5, due_on = $6, status = $7, updated_at = $8 WHERE id = $9`, c.Title, c.Dimension, c.Target, c.ItemCode,
			c.TargetValue, c.DueOn, c.Status, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("revise commitment: %w", err)
		}
		if err := writeMilestones(ctx, tx, id, c.Milestones); err != nil {
			return err
		}
		out = c
		return auth.Record(ctx, tx, a, audit.Event{Action: "commitment.revise", ObjectType: "commitment", ObjectID: db.FormatID(id),
			UnitPath: c.unitPath, Before: before, After: c.summary()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeMilestones replaces the milestones of commitment id.
func writeMilestones(ctx context.Context, tx *db.Tx, id int64, ms []Milestone) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM commitment_milestones WHERE commitment_id = $1`, id); err != nil {
		return fmt.Errorf("write milestones: %w", err)
	}
	for i, m := range ms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_milestones (commitment_id, seq, title, due_on) VALUES ($1, $2, $3, $4)`,
			id, i+1, m.Title, m.DueOn); err != nil {
			return fmt.Errorf("write milestones: %w", err)
		}
	}
	return nil
}

// conflict is a Conflict error with key.
func conflict(key, msg string) error { return errs.New(errs.Conflict, key, msg) }
