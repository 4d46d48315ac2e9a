package finding

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// FollowUpKind is the kind of a follow-up of a sanctioned cadre.
type FollowUpKind string

// The kinds.
const (
	FollowUpTalk  FollowUpKind = "talk"  // 谈心谈话
	FollowUpVisit FollowUpKind = "visit" // 跟踪回访
)

// FollowUpKinds lists the kinds in the order the interface shows them.
var FollowUpKinds = []FollowUpKind{FollowUpTalk, FollowUpVisit}

// FollowUp is one follow-up visit of a sanctioned cadre: due on a day,
// done on a day with notes by a user.
type FollowUp struct {
	ID         int64
	SanctionID int64
	Kind       FollowUpKind
	// DueOn is the day it is due; DoneOn the day it took place, '' until
	// then ('YYYY-MM-DD').
	DueOn, DoneOn string
	Notes         string
	UserID        int64
	// User is the name of the user who recorded it, as then.
	User      string
	CreatedAt time.Time
	// The sanction's cadre and kind, for lists of follow-ups.
	PersonID int64
	Person   string
	Sanction SanctionKind
}

// Overdue reports whether the follow-up is not done and was due before
// today ('YYYY-MM-DD').
func (f *FollowUp) Overdue(today string) bool { return f.DoneOn == "" && f.DueOn < today }

// ScheduleFor returns the follow-ups a sanction schedules when it is
// recorded: a 谈心谈话 one month after its decision, then for a sanction
// with an effect period a 跟踪回访 every six months from the effect's
// start within the period and one on its last day (the visit that judges
// whether it may be lifted), so that a 警告 of six months gets a talk and
// one visit, a 记过 a talk and visits at six and twelve months. An
// investigation gets the talk only: its visits follow the sanction it ends
// in.
func ScheduleFor(sn *Sanction) []*FollowUp {
	decided, err := time.Parse(time.DateOnly, sn.DecidedOn)
	if err != nil {
		return nil
	}
	out := []*FollowUp{{Kind: FollowUpTalk, DueOn: addMonths(decided, 1).Format(time.DateOnly)}}
	if sn.EffectiveTo == "" {
		return out
	}
	from, err := time.Parse(time.DateOnly, sn.EffectiveFrom)
	if err != nil {
		return out
	}
	for k := 1; ; k++ {
		day := addMonths(from, 6*k).Format(time.DateOnly)
		if day >= sn.EffectiveTo {
			break
		}
		out = append(out, &FollowUp{Kind: FollowUpVisit, DueOn: day})
	}
	return append(out, &FollowUp{Kind: FollowUpVisit, DueOn: sn.EffectiveTo})
}

// RecordFollowUp records that follow-up id took place on day with notes:
// the day not before the sanction's decision nor after today, the notes
// required. The office of the cadre may (ActSanctionWrite); a follow-up
// already done refuses.
func (s *Service) RecordFollowUp(ctx context.Context, a *auth.Actor, id int64, day, notes string) (*FollowUp, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	day, notes = strings.TrimSpace(day), strings.TrimSpace(notes)
	var out *FollowUp
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		fus, err := queryFollowUps(ctx, tx, `f.id = $1`, []any{id})
		if err != nil {
			return err
		}
		if len(fus) == 0 {
			return errs.NoSuch("follow_up")
		}
		fu := fus[0]
		sn, err := s.writableSanction(ctx, tx, a, fu.SanctionID)
		if errs.Is(err, errs.NotFound) {
			return errs.NoSuch("follow_up")
		}
		if err != nil {
			return err
		}
		if fu.DoneOn != "" {
			return errs.New(errs.Conflict, "sanction.follow_up_done", "the follow-up is already recorded")
		}
		var l errs.List
		if e := checkDay("done_on", "sanction.done_on", day, sn.DecidedOn, s.db.Clock()); e != nil {
			l.Add(e)
		}
		if e := errs.CheckText("notes", "sanction.notes", "the notes", notes, maxNote, true); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return l
		}
		if _, err := tx.ExecContext(ctx, `UPDATE follow_ups SET done_on = $1, notes = $2, user_id = $3, user_name = $4, updated_at = $5
			WHERE id = $6`, day, notes, a.UserID, a.Name, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("record follow-up: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "sanction.follow_up", ObjectType: "sanction",
			ObjectID: db.FormatID(sn.ID), UnitPath: sn.unitPath, After: map[string]any{"follow_up": db.FormatID(id),
				"kind": fu.Kind, "due_on": fu.DueOn, "done_on": day}, Reason: notes}); err != nil {
			return err
		}
		fu.DoneOn, fu.Notes, fu.UserID, fu.User = day, notes, a.UserID, a.Name
		out = fu
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OverdueFollowUps lists the follow-ups due before today (in Beijing) and
// not done, of cadres in the scope of the actor's ActSanctionWrite — the
// office's reminders — earliest due first. A follow-up of a sanction
// lifted before it fell due is no longer due.
func (s *Service) OverdueFollowUps(ctx context.Context, a *auth.Actor) ([]*FollowUp, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*FollowUp
	err := s.db.View(ctx, func(tx *db.Tx) error {
		args := []any{today(s.db.Clock())}
		cond := `f.done_on = '' AND f.due_on < $1 AND (s.status = 'active' OR f.due_on <= s.lifted_on)`
		if s.pol.Scope(a, auth.ActSanctionWrite).Empty() {
			return nil
		}
		all, err := queryFollowUps(ctx, tx, cond, args)
		if err != nil {
			return err
		}
		out, err = inScope(ctx, tx, s.pol, a, auth.ActSanctionWrite, all, func(fu *FollowUp) int64 { return fu.PersonID })
		return err
	})
	return out, err
}

// queryFollowUps reads the follow-ups where cond holds, of follow_ups f
// joined with sanctions s, by due day, named by their cadres.
func queryFollowUps(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*FollowUp, error) {
	var out []*FollowUp
	err := db.EachRow(ctx, tx, `SELECT f.id, f.sanction_id, f.kind, f.due_on, f.done_on, f.notes, f.user_id, f.user_name, f.created_at,
		s.person_id, s.kind FROM follow_ups f JOIN sanctions s ON s.id = f.sanction_id WHERE `+cond, args, func(scan func(...any) error) error {
		fu := &FollowUp{}
		var at int64
		if err := scan(&fu.ID, &fu.SanctionID, &fu.Kind, &fu.DueOn, &fu.DoneOn, &fu.Notes, &fu.UserID, &fu.User, &at,
			&fu.PersonID, &fu.Sanction); err != nil {
			return err
		}
		fu.CreatedAt = db.Micros(at)
		out = append(out, fu)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read follow-ups: %w", err)
	}
	var pids []int64
	for _, fu := range out {
		pids = append(pids, fu.PersonID)
	}
	ps, err := org.PeopleByID(ctx, tx, pids)
	if err != nil {
		return nil, err
	}
	for _, fu := range out {
		if p := ps[fu.PersonID]; p != nil {
			fu.Person = p.Name
		}
	}
	slices.SortFunc(out, func(x, y *FollowUp) int {
		return cmp.Or(strings.Compare(x.DueOn, y.DueOn), strings.Compare(x.Person, y.Person), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}
