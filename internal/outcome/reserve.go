package outcome

import (
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

// The levels of the reserve pool (储备库), from the highest.
var Levels = []string{"division_chief", "division_deputy", "section_chief", "section_deputy"}

// The fields of the reserve pool.
var Fields = []string{"party", "economy", "social", "urban", "law", "education"}

// EntryStatus is where a cadre stands in the reserve pool.
type EntryStatus string

// The statuses.
const (
	Candidate EntryStatus = "candidate" // 待审核
	Admitted  EntryStatus = "admitted"  // 已入库
	Declined  EntryStatus = "declined"  // 未入库
	Exited    EntryStatus = "exited"    // 已出库
)

// The sources of an entry.
const (
	SourceRule      = "rule"      // an adopted proposal of a reserve rule
	SourceNominated = "nominated" // 组织推荐
)

// Entry is a cadre put forward for the reserve pool.
type Entry struct {
	ID       int64
	PersonID int64
	// Person and Unit name the cadre (loaded).
	Person, Unit string
	UnitPath     string
	Level, Field string
	// Source is SourceRule with ProposalID, or SourceNominated.
	Source     string
	ProposalID int64
	// Reason is why she is put forward; NominatedBy who did.
	Reason, NominatedBy string
	Status              EntryStatus
	// ReviewReason, ReviewedBy and ReviewedAt record the review;
	// ExitReason and ExitedAt the exit.
	ReviewReason, ReviewedBy string
	ReviewedAt               time.Time
	ExitReason               string
	ExitedAt                 time.Time
	CreatedAt                time.Time
}

// Nominate puts cadre e.PersonID forward for the pool of e.Level and
// e.Field with e.Reason: nominated, or from e.ProposalID, an adopted
// proposal of a reserve rule about her. A cadre already a candidate or in
// the pool is refused. The office of her units may (ActOutcomeDecide).
func (s *Service) Nominate(ctx context.Context, a *auth.Actor, e Entry) (*Entry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	e.Reason = strings.TrimSpace(e.Reason)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := s.mayDecide(ctx, tx, a, e.PersonID)
		if err != nil {
			return err
		}
		var l errs.List
		if !slices.Contains(Levels, e.Level) {
			l.Add(errs.Field("level", "outcome.reserve.level_invalid", "no such level"))
		}
		if !slices.Contains(Fields, e.Field) {
			l.Add(errs.Field("field", "outcome.reserve.field_invalid", "no such field"))
		}
		if x := errs.CheckText("reason", "outcome.reason", "reason", e.Reason, 500, true); x != nil {
			l.Add(x)
		}
		e.Source = SourceNominated
		if e.ProposalID != 0 {
			ps, err := queryProposals(ctx, tx, `id = $1`, []any{e.ProposalID})
			if err != nil {
				return err
			}
			if len(ps) == 0 || ps[0].PersonID != e.PersonID || ps[0].Action != ActReserve || ps[0].Status != Adopted {
				l.Add(errs.Field("proposal_id", "outcome.reserve.proposal_invalid", "not an adopted reserve proposal about her"))
			}
			e.Source = SourceRule
		}
		if err := l.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reserve_entries WHERE person_id = $1 AND status IN ($2, $3)`,
			e.PersonID, Candidate, Admitted).Scan(&n); err != nil {
			return fmt.Errorf("read reserve entries: %w", err)
		}
		if n > 0 {
			return errs.Field("person", "outcome.reserve.already", "already a candidate or in the pool")
		}
		e.ID, e.UnitPath, e.NominatedBy, e.Status, e.CreatedAt = db.NewID(), path, nameOf(a), Candidate, tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO reserve_entries (id, person_id, unit_path, level, field, source, proposal_id, reason,
			nominated_by, status, review_reason, reviewed_by, reviewed_at, exit_reason, exited_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '', 0, '', 0, $11)`, e.ID, e.PersonID, path, e.Level, e.Field, e.Source,
			e.ProposalID, e.Reason, e.NominatedBy, e.Status, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert reserve entry: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.reserve_nominate", ObjectType: "reserve_entry",
			ObjectID: db.FormatID(e.ID), UnitPath: path, After: map[string]any{"person": db.FormatID(e.PersonID), "level": e.Level,
				"field": e.Field, "source": e.Source}, Reason: e.Reason})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Review admits candidate id to the pool or declines her, with the
// reason (ActOutcomeDecide).
func (s *Service) Review(ctx context.Context, a *auth.Actor, id int64, admit bool, reason string) (*Entry, error) {
	if admit {
		return s.moveEntry(ctx, a, id, Candidate, Admitted, "outcome.reserve_admitted", reason)
	}
	return s.moveEntry(ctx, a, id, Candidate, Declined, "outcome.reserve_declined", reason)
}

// Exit takes admitted cadre id out of the pool with the reason
// (ActOutcomeDecide): promoted, retired, no longer meets the criteria.
func (s *Service) Exit(ctx context.Context, a *auth.Actor, id int64, reason string) (*Entry, error) {
	return s.moveEntry(ctx, a, id, Admitted, Exited, "outcome.reserve_exited", reason)
}

// moveEntry moves entry id from status from to status to, recording the
// audit action.
func (s *Service) moveEntry(ctx context.Context, a *auth.Actor, id int64, from, to EntryStatus, action, reason string) (*Entry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var e *Entry
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		es, err := queryEntries(ctx, tx, `id = $1`, []any{id})
		if err != nil {
			return err
		}
		if len(es) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, []string{es[0].UnitPath}) != nil {
			return errs.NoSuch("reserve entry")
		}
		e = es[0]
		if _, err := s.mayDecide(ctx, tx, a, e.PersonID); err != nil {
			return err
		}
		if x := errs.CheckText("reason", "outcome.reason", "reason", reason, 500, true); x != nil {
			return x
		}
		if e.Status != from {
			return errs.New(errs.Conflict, "outcome.reserve.status_conflict", "the entry is "+string(e.Status))
		}
		e.Status = to
		var err2 error
		if to == Exited {
			e.ExitReason, e.ExitedAt = reason, tx.Now
			_, err2 = tx.ExecContext(ctx, `UPDATE reserve_entries SET status = $2, exit_reason = $3, exited_at = $4 WHERE id = $1`,
				id, to, reason, tx.Now.UnixMicro())
		} else {
			e.ReviewReason, e.ReviewedBy, e.ReviewedAt = reason, nameOf(a), tx.Now
			_, err2 = tx.ExecContext(ctx, `UPDATE reserve_entries SET status = $2, review_reason = $3, reviewed_by = $4, reviewed_at = $5
				WHERE id = $1`, id, to, reason, e.ReviewedBy, tx.Now.UnixMicro())
		}
		if err2 != nil {
			return fmt.Errorf("update reserve entry: %w", err2)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "reserve_entry",
			ObjectID: db.FormatID(id), UnitPath: e.UnitPath, Before: map[string]any{"status": from},
			After: map[string]any{"status": to}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Pool returns the entries of cadres in the actor's ActOutcomeRead scope
// (the office, leaders; not a cadre by her Self reach), by level, field
// and name.
func (s *Service) Pool(ctx context.Context, a *auth.Actor) ([]*Entry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActOutcomeRead)
	sc.Self = false
	if sc.Empty() {
		return nil, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActOutcomeRead))
	}
	var out []*Entry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		var err error
		out, err = queryEntries(ctx, tx, sc.SQL("unit_path", &args), args)
		return err
	})
	return out, err
}

// queryEntries reads the entries where cond holds, by level, field and
// name, with their cadres' names.
func queryEntries(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Entry, error) {
	var out []*Entry
	err := db.EachRow(ctx, tx, `SELECT id, person_id, unit_path, level, field, source, proposal_id, reason, nominated_by, status,
		review_reason, reviewed_by, reviewed_at, exit_reason, exited_at, created_at FROM reserve_entries WHERE `+cond, args,
		func(scan func(...any) error) error {
			e := &Entry{}
			var reviewed, exited, created int64
			if err := scan(&e.ID, &e.PersonID, &e.UnitPath, &e.Level, &e.Field, &e.Source, &e.ProposalID, &e.Reason, &e.NominatedBy,
				&e.Status, &e.ReviewReason, &e.ReviewedBy, &reviewed, &e.ExitReason, &exited, &created); err != nil {
				return err
			}
			if reviewed != 0 {
				e.ReviewedAt = db.Micros(reviewed)
			}
			if exited != 0 {
				e.ExitedAt = db.Micros(exited)
			}
			e.CreatedAt = db.Micros(created)
			out = append(out, e)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read reserve entries: %w", err)
	}
	var ids []int64
	for _, e := range out {
		ids = append(ids, e.PersonID)
	}
	ps, err := org.PeopleByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range out {
		if p := ps[e.PersonID]; p != nil {
			e.Person, e.Unit = p.Name, p.UnitName
		}
	}
	slices.SortFunc(out, func(x, y *Entry) int {
		if c := slices.Index(Levels, x.Level) - slices.Index(Levels, y.Level); c != 0 {
			return c
		}
		if c := slices.Index(Fields, x.Field) - slices.Index(Fields, y.Field); c != 0 {
			return c
		}
		return strings.Compare(x.Person, y.Person)
	})
	return out, nil
}
