package finding

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the days are Beijing's on any host

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Draft is what a body records of a finding, or changes it to.
type Draft struct {
	// BodyID is the supervisory body recording the finding; 0 takes the
	// actor's one body. An update keeps the finding's body.
	BodyID   int64
	Source   Source
	Category Category
	Severity Severity
	// FoundOn is the day of the finding, 'YYYY-MM-DD', not after today.
	FoundOn     string
	Reference   string
	Title       string
	Description string
	// UnitID is the unit the finding is about, in the body's jurisdiction.
	UnitID int64
	// PersonIDs are the cadres it names: each placed in, or holding or
	// having held a post in, the unit's subtree.
	PersonIDs []int64
}

// Limits of a finding.
const (
	maxReference   = 100
	maxTitle       = 100
	maxDescription = 5000
	maxReason      = 500
	// MaxPeople is the most cadres one finding names.
	MaxPeople = 50
)

// normalise trims the text fields and drops repeated people.
func (d *Draft) normalise() {
	d.FoundOn, d.Reference, d.Title, d.Description = strings.TrimSpace(d.FoundOn), strings.TrimSpace(d.Reference),
		strings.TrimSpace(d.Title), strings.TrimSpace(d.Description)
	var ids []int64
	for _, id := range d.PersonIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	d.PersonIDs = ids
}

// problems checks the fields that need no database, every one of them.
func (d *Draft) problems(now time.Time) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	add(choice("source", d.Source == "", d.Source.Valid()))
	add(choice("category", d.Category == "", d.Category.Valid()))
	add(choice("severity", d.Severity == "", d.Severity.Valid()))
	add(checkDay("found_on", "finding.found_on", d.FoundOn, "", now))
	add(errs.CheckText("reference", "finding.reference", "the reference", d.Reference, maxReference, false))
	add(errs.CheckText("title", "finding.title", "the title", d.Title, maxTitle, true))
	add(errs.CheckText("description", "finding.description", "the description", d.Description, maxDescription, true))
	if d.UnitID <= 0 {
		add(errs.Field("unit_id", "finding.unit_required", "choose the unit the finding is about"))
	}
	if len(d.PersonIDs) > MaxPeople {
		e := errs.Field("people", "finding.people_too_many", fmt.Sprintf("a finding names at most %d cadres", MaxPeople))
		e.Args = map[string]any{"max": MaxPeople}
		add(e)
	}
	return l
}

// choice checks a code field: required, and one of its list.
func choice(field string, empty, valid bool) *errs.Error {
	switch {
	case empty:
		return errs.Field(field, "finding."+field+"_required", field+" is required")
	case !valid:
		return errs.Field(field, "finding."+field+"_invalid", field+" is not one of its list")
	}
	return nil
}

// checkDay validates a required day 'YYYY-MM-DD' that is not after today
// (in Beijing) nor before notBefore (when given).
func checkDay(field, key, s, notBefore string, now time.Time) *errs.Error {
	if s == "" {
		return errs.Field(field, key+"_required", field+" is required")
	}
	d, err := time.ParseInLocation(time.DateOnly, s, beijing)
	if err != nil {
		e := errs.Field(field, key+"_invalid", fmt.Sprintf("%s %q is not a date YYYY-MM-DD", field, s))
		e.Args = map[string]any{"value": s}
		return e
	}
	if d.After(now.In(beijing)) {
		return errs.Field(field, key+"_future", fmt.Sprintf("%s %s is after today", field, s))
	}
	if notBefore != "" && s < notBefore {
		e := errs.Field(field, key+"_early", fmt.Sprintf("%s %s is before %s", field, s, notBefore))
		e.Args = map[string]any{"day": notBefore}
		return e
	}
	return nil
}

// today is the day of now in Beijing.
func today(now time.Time) string { return now.In(beijing).Format(time.DateOnly) }

// beijing is the time zone of the days recorded.
var beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// placed is a draft's body, unit and people as read from the database.
type placed struct {
	body   *Body
	unit   *org.Unit
	people []Named
}

// place reads the draft's body, unit and people and checks them: the
// actor records as the body; the unit lies in the body's jurisdiction; each
// person was placed or served in the unit's subtree. A unit or person
// outside answers NotFound, the same as one that does not exist.
func (s *Service) place(ctx context.Context, tx *db.Tx, a *auth.Actor, d *Draft) (*placed, error) {
	b, err := s.writableBody(ctx, tx, a, d.BodyID)
	if err != nil {
		return nil, err
	}
	u, err := org.GetUnit(ctx, tx, d.UnitID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if u == nil || !b.Covers(u.Path) {
		return nil, unknown("unit_id", "finding.unit_unknown", "the unit does not exist or is outside the body's jurisdiction")
	}
	p := &placed{body: b, unit: u}
	if len(d.PersonIDs) == 0 {
		return p, nil
	}
	people, err := org.PeopleByID(ctx, tx, d.PersonIDs)
	if err != nil {
		return nil, err
	}
	paths, err := org.PersonPaths(ctx, tx, d.PersonIDs, true)
	if err != nil {
		return nil, err
	}
	for _, id := range d.PersonIDs {
		pe := people[id]
		if pe == nil || !slices.ContainsFunc(paths[id], func(path string) bool { return strings.HasPrefix(path, u.Path) }) {
			return nil, unknown("people", "finding.person_unknown", "a cadre named does not exist or has not served in the unit")
		}
		p.people = append(p.people, Named{ID: pe.ID, Name: pe.Name, Unit: pe.UnitName})
	}
	return p, nil
}

// unknown is the NotFound answer for a unit or person a draft names that
// does not exist or that the body may not name: the same for both.
func unknown(field, key, msg string) *errs.Error {
	return &errs.Error{Code: errs.NotFound, Key: key, Field: field, Msg: msg}
}
