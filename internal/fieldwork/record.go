package fieldwork

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Record is everything recorded of the field work on one entity of a
// cycle, with what the forms offer.
type Record struct {
	Target
	Verifications []*Verification
	// Interviews are shown only when MayInterviews.
	Interviews    []*Interview
	MayInterviews bool
	// Leaves are the qualitative indicators the team judges, Judgements
	// what it has judged.
	Leaves     []Leaf
	Judgements []*Judgement
	// Items are the data items whose values the team may verify.
	Items []Item
	// Write says the actor may record field work on the entity, Open that
	// the cycle takes it.
	Write, Open bool
	// People are those an interview may be with: the people placed in the
	// entity's unit and below, the entity's own unit first; empty unless
	// the actor may write.
	People []*org.Person
}

// maxInterviewees bounds the people the interview form offers.
const maxInterviewees = 500

// Record returns the field work on entity key of cycle id. The actor needs
// ActFieldRead on the entity; interviews need ActInterviewRead.
func (s *Service) Record(ctx context.Context, a *auth.Actor, id int64, key string) (*Record, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Record
	err := s.db.View(ctx, func(tx *db.Tx) error {
		t, err := s.target(ctx, tx, a, auth.ActFieldRead, id, key)
		if err != nil {
			return err
		}
		r := &Record{Target: *t, Open: Open(t.Cycle), Write: s.may(a, auth.ActFieldWrite, t.Entity),
			MayInterviews: s.may(a, auth.ActInterviewRead, t.Entity)}
		if r.Verifications, err = verifications(ctx, tx, id, key); err != nil {
			return err
		}
		if r.MayInterviews {
			if r.Interviews, err = interviews(ctx, tx, id, key); err != nil {
				return err
			}
		}
		if r.Leaves, err = judgeable(ctx, tx, t.Cycle); err != nil {
			return err
		}
		if r.Judgements, err = judgements(ctx, tx, id, key); err != nil {
			return err
		}
		if r.Items, err = verifiable(ctx, tx, t.Cycle); err != nil {
			return err
		}
		if r.Write && r.Open {
			if r.People, err = interviewees(ctx, tx, t); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// interviewees lists the people an interview about t may be with.
func interviewees(ctx context.Context, tx *db.Tx, t *Target) ([]*org.Person, error) {
	ps, err := org.ListPeople(ctx, tx, org.PeopleQuery{Under: t.Entity.UnitPath, Limit: maxInterviewees})
	if err != nil {
		return nil, err
	}
	own := t.Entity.UnitID
	ps = slices.DeleteFunc(ps, func(p *org.Person) bool { return p.ID == t.Entity.PersonID })
	slices.SortStableFunc(ps, func(x, y *org.Person) int {
		if (x.UnitID == own) != (y.UnitID == own) {
			if x.UnitID == own {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(x.UnitName, y.UnitName), strings.Compare(x.Name, y.Name))
	})
	return ps, nil
}

// JudgementsFor returns the team's judgements of entity key in cycle id
// as far as the actor may read them: none for an actor without
// ActFieldRead on the entity (an assessed cadre reads its indicator values
// in its result, not the team's notes).
func (s *Service) JudgementsFor(ctx context.Context, a *auth.Actor, id int64, key string) ([]*Judgement, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Judgement
	err := s.db.View(ctx, func(tx *db.Tx) error {
		_, err := s.target(ctx, tx, a, auth.ActFieldRead, id, key)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = judgements(ctx, tx, id, key)
		return err
	})
	return out, err
}
