// Package fieldwork holds the assessment team's (考核组) field work on the
// units and cadres of an assessment cycle: verification records (实地核查)
// of what was checked on site, with the finding, evidence files and — when
// a collected value proved wrong — the value found, which goes into
// collect as a correction; confidential interview records (个别谈话); and
// the team's qualitative judgements (定性评价) of the scheme's qualitative
// indicators, which the cycle reads as those indicators' raw values.
//
// Field work is recorded while a cycle runs, until it is published; the
// team records it, the office and leaders follow it, and only the team and
// the office read interviews (docs/decisions/0100-field-work.md).
package fieldwork

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // the days are Beijing's on any host

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service records and reads field work. Each method checks the actor
// against the policy, runs in one transaction and records an audit event
// for every change.
type Service struct {
	db     *db.DB
	pol    auth.Policy
	values *collect.Service
}

// NewService returns a Service on d that asks pol who may do what and
// corrects collected values through values.
func NewService(d *db.DB, pol auth.Policy, values *collect.Service) *Service {
	return &Service{db: d, pol: pol, values: values}
}

// Target is the entity of a cycle that field work is about.
type Target struct {
	Cycle  *cycle.Cycle
	Entity *cycle.Entity
}

// target reads cycle id and its entity key and checks that a may do
// action on the entity: on its person for a cadre, else on its unit.
func (s *Service) target(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64, key string) (*Target, error) {
	c, err := cycle.Get(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	e, err := cycle.EntityOf(ctx, tx, id, key)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(a, action, e); err != nil {
		return nil, err
	}
	return &Target{Cycle: c, Entity: e}, nil
}

// authorize checks that a may do action on entity e.
func (s *Service) authorize(a *auth.Actor, action auth.Action, e *cycle.Entity) error {
	if e.PersonID != 0 {
		return s.pol.AuthorizePerson(a, action, e.PersonID, []string{e.UnitPath})
	}
	return s.pol.Authorize(a, action, e.UnitPath)
}

// may reports whether a may do action on entity e.
func (s *Service) may(a *auth.Actor, action auth.Action, e *cycle.Entity) bool {
	return s.authorize(a, action, e) == nil
}

// OpenStages are the stages in which field work is recorded: from set-up
// to review. A published cycle's inputs no longer change.
var OpenStages = []cycle.Stage{cycle.Draft, cycle.Collecting, cycle.Evaluating, cycle.Scoring, cycle.Review}

// Open reports whether field work can be recorded in cycle c.
func Open(c *cycle.Cycle) bool {
	for _, st := range OpenStages {
		if c.Stage == st {
			return true
		}
	}
	return false
}

// writable reads the target of a change and checks that the cycle is
// still open for field work.
func (s *Service) writable(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64, key string) (*Target, error) {
	t, err := s.target(ctx, tx, a, auth.ActFieldWrite, id, key)
	if err != nil {
		return nil, err
	}
	if !Open(t.Cycle) {
		return nil, errs.New(errs.Conflict, "fieldwork.cycle_closed", "the cycle is published: its field work no longer changes")
	}
	return t, nil
}

// signedIn returns Unauthorized for a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}

// checkDay validates a required date field 'YYYY-MM-DD' that is not after
// today (in Beijing, where the team works).
func checkDay(field, key, s string, now time.Time) *errs.Error {
	if s == "" {
		return errs.Field(field, key+"_required", fmt.Sprintf("%s is required", field))
	}
	d, err := time.ParseInLocation(time.DateOnly, s, beijing)
	if err != nil {
		return errs.Field(field, key+"_invalid", fmt.Sprintf("%s %q is not a date YYYY-MM-DD", field, s))
	}
	if d.After(now.In(beijing)) {
		return errs.Field(field, key+"_future", fmt.Sprintf("%s %s is after today", field, s))
	}
	return nil
}

// beijing is the time zone of the days recorded.
var beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()
