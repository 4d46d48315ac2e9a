package fieldwork

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Interview is a record of an individual interview (个别谈话) about an
// entity. It is confidential: only readers with ActInterviewRead see it.
type Interview struct {
	ID      int64
	CycleID int64
	Entity  string
	// PersonID is the person interviewed; Person and PersonUnit are loaded.
	PersonID           int64
	Person, PersonUnit string
	// HeldOn is the day, 'YYYY-MM-DD'.
	HeldOn string
	// Interviewer names who held the interview.
	Interviewer string
	Notes       string
	RecorderID  int64
	// Recorder is the name of the user who recorded it; loaded.
	Recorder  string
	CreatedAt time.Time
}

// NewInterview is what the team records of an interview.
type NewInterview struct {
	PersonID            int64
	HeldOn, Interviewer string
	Notes               string
}

// Limits of an interview's text.
const (
	maxInterviewer = 100
	maxNotes       = 5000
)

func (n *NewInterview) problems(now time.Time) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	if n.PersonID <= 0 {
		add(errs.Field("person", "fieldwork.interview.person_required", "choose the person interviewed"))
	}
	add(checkDay("held_on", "fieldwork.interview.held_on", n.HeldOn, now))
	add(errs.CheckText("interviewer", "fieldwork.interview.interviewer", "the interviewer", n.Interviewer, maxInterviewer, true))
	add(errs.CheckText("notes", "fieldwork.interview.notes", "the notes", n.Notes, maxNotes, true))
	return l
}

// Interview records an interview about entity key of cycle id. The
// person interviewed must be one the actor may read. The actor needs
// ActFieldWrite on the entity; bad input writes nothing and returns every
// problem (errs.List).
func (s *Service) Interview(ctx context.Context, a *auth.Actor, id int64, key string, ni NewInterview) (*Interview, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	ni.Interviewer, ni.Notes = strings.TrimSpace(ni.Interviewer), strings.TrimSpace(ni.Notes)
	if l := ni.problems(s.db.Clock()); len(l) > 0 {
		return nil, l
	}
	var out *Interview
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.writable(ctx, tx, a, id, key)
		if err != nil {
			return err
		}
		p, err := s.interviewee(ctx, tx, a, ni.PersonID)
		if err != nil {
			return err
		}
		iv := &Interview{ID: db.NewID(), CycleID: id, Entity: key, PersonID: p.ID, Person: p.Name, PersonUnit: p.UnitName,
			HeldOn: ni.HeldOn, Interviewer: ni.Interviewer, Notes: ni.Notes, RecorderID: a.UserID, Recorder: a.Name, CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO interviews (id, cycle_id, entity, unit_path, person_id, held_on, interviewer,
			notes, recorder_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			iv.ID, id, key, t.Entity.UnitPath, p.ID, iv.HeldOn, iv.Interviewer, iv.Notes, a.UserID, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert interview: %w", err)
		}
		out = iv
		// The notes stay out of the audit log, whose readers need not be
		// the interviews' readers; their digest makes a later change show.
		sum := sha256.Sum256([]byte(iv.Notes))
		return auth.Record(ctx, tx, a, audit.Event{Action: "interview.record", ObjectType: "interview", ObjectID: db.FormatID(iv.ID),
			UnitPath: t.Entity.UnitPath, After: map[string]any{"cycle": t.Cycle.Code, "entity": key, "name": t.Entity.Name,
				"person_id": p.ID, "held_on": iv.HeldOn, "interviewer": iv.Interviewer, "notes_sha256": hex.EncodeToString(sum[:])}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// interviewee reads person id and checks that a may read it; a person out
// of sight is a field error, as if it did not exist.
func (s *Service) interviewee(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*org.Person, error) {
	unknown := errs.Field("person", "fieldwork.interview.person_unknown", "there is no such person in your jurisdiction")
	ps, err := org.PeopleByID(ctx, tx, []int64{id})
	if err != nil {
		return nil, err
	}
	p := ps[id]
	if p == nil {
		return nil, unknown
	}
	u, err := org.GetUnit(ctx, tx, p.UnitID)
	if err != nil {
		return nil, err
	}
	if s.pol.AuthorizePerson(a, auth.ActPersonRead, p.ID, []string{u.Path}) != nil {
		return nil, unknown
	}
	return p, nil
}

// interviews reads the interviews about entity key in cycle id, the
// newest day first, with the names of the people interviewed.
func interviews(ctx context.Context, tx *db.Tx, id int64, key string) ([]*Interview, error) {
	var out []*Interview
	err := db.EachRow(ctx, tx, `SELECT id, person_id, held_on, interviewer, notes, recorder_id, created_at FROM interviews
		WHERE cycle_id = $1 AND entity = $2 ORDER BY held_on DESC, created_at DESC, id`, []any{id, key},
		func(scan func(...any) error) error {
			iv := &Interview{CycleID: id, Entity: key}
			var created int64
			if err := scan(&iv.ID, &iv.PersonID, &iv.HeldOn, &iv.Interviewer, &iv.Notes, &iv.RecorderID, &created); err != nil {
				return err
			}
			iv.CreatedAt = db.Micros(created)
			out = append(out, iv)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read interviews: %w", err)
	}
	ids := make([]int64, len(out))
	for i, iv := range out {
		ids[i] = iv.PersonID
	}
	ps, err := org.PeopleByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, iv := range out {
		if p := ps[iv.PersonID]; p != nil {
			iv.Person, iv.PersonUnit = p.Name, p.UnitName
		}
	}
	return out, recorders(ctx, tx, len(out), func(i int) (int64, *string) { return out[i].RecorderID, &out[i].Recorder })
}
