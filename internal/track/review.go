package track

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// VersionStatus is where a version of a commitment stands.
type VersionStatus string

// The version statuses.
const (
	VersionApproved VersionStatus = "approved"
	VersionProposed VersionStatus = "proposed"
	VersionReturned VersionStatus = "returned"
)

// Version is a version of a commitment: approved (the last one current),
// or a change proposed with its reason.
type Version struct {
	Version     int
	Title       string
	Dimension   string
	Target      TargetKind
	ItemCode    string
	TargetValue *float64
	DueOn       string
	Milestones  []Milestone
	Reason      string
	Status      VersionStatus
	CreatedAt   time.Time
}

// reviewable reads commitment id for the office's review.
func (s *Service) reviewable(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Commitment, error) {
	c, err := s.readable(ctx, tx, a, id)
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, auth.ActCommitmentReview, c.unitPath); err != nil {
		return nil, err
	}
	return c, nil
}

// Return sends a submitted commitment back to its owner with the office's
// comments, which are required.
func (s *Service) Return(ctx context.Context, a *auth.Actor, id int64, comment string) (*Commitment, error) {
	comment = strings.TrimSpace(comment)
	if e := errs.CheckText("comment", "track.comment", "the comments", comment, maxReason, true); e != nil {
		return nil, e
	}
	return s.decide(ctx, a, id, Returned, comment)
}

// Approve approves a submitted commitment as its version 1, with optional
// comments.
func (s *Service) Approve(ctx context.Context, a *auth.Actor, id int64, comment string) (*Commitment, error) {
	comment = strings.TrimSpace(comment)
	if e := errs.CheckText("comment", "track.comment", "the comments", comment, maxReason, false); e != nil {
		return nil, e
	}
	return s.decide(ctx, a, id, Approved, comment)
}

// decide records the office's decision on a submitted commitment.
func (s *Service) decide(ctx context.Context, a *auth.Actor, id int64, to Status, comment string) (*Commitment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.reviewable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.Status != Submitted {
			return conflict("track.not_submitted", "only a submitted commitment is reviewed")
		}
		c.Status, c.ReviewComment, c.UpdatedAt = to, comment, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET status = $1, review_comment = $2, updated_at = $3 WHERE id = $4`,
			c.Status, comment, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("review commitment: %w", err)
		}
		if to == Approved {
			if err := insertVersion(ctx, tx, a, c, 1, "", VersionApproved); err != nil {
				return err
			}
		}
		out = c
		action := "commitment.return"
		if to == Approved {
			action = "commitment.approve"
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: action,
			ObjectType: "commitment", ObjectID: db.FormatID(id), UnitPath: c.unitPath,
			Before: map[string]any{"status": Submitted}, After: map[string]any{"status": to, "version": c.Version}, Reason: comment})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertVersion stores c's content as version n with status st.
func insertVersion(ctx context.Context, tx *db.Tx, a *auth.Actor, c *Commitment, n int, reason string, st VersionStatus) error {
	ms, err := json.Marshal(c.Milestones)
	if err != nil {
		return err
	}
	decided, decidedAt := int64(0), int64(0)
	if st == VersionApproved {
		decided, decidedAt = a.UserID, tx.Now.UnixMicro()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_versions (commitment_id, version, title, dimension, target_kind, item_code,
		target_value, due_on, milestones, reason, status, proposed_by, decided_by, created_at, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, c.ID, n, c.Title, c.Dimension, c.Target, c.ItemCode,
		c.TargetValue, c.DueOn, string(ms), reason, st, a.UserID, decided, tx.Now.UnixMicro(), decidedAt); err != nil {
		return fmt.Errorf("store commitment version: %w", err)
	}
	return nil
}

// versionsOf reads the versions of commitment id in order.
func versionsOf(ctx context.Context, tx *db.Tx, id int64) ([]*Version, error) {
	var out []*Version
	err := db.EachRow(ctx, tx, `SELECT version, title, dimension, target_kind, item_code, target_value, due_on, milestones, reason,
		status, created_at FROM commitment_versions WHERE commitment_id = $1 ORDER BY version`, []any{id}, func(scan func(...any) error) error {
		v := &Version{}
		var tv *float64
		var ms string
		var created int64
		if err := scan(&v.Version, &v.Title, &v.Dimension, &v.Target, &v.ItemCode, &tv, &v.DueOn, &ms, &v.Reason, &v.Status, &created); err != nil {
			return err
		}
		v.TargetValue, v.CreatedAt = tv, db.Micros(created)
		if err := json.Unmarshal([]byte(ms), &v.Milestones); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read commitment versions: %w", err)
	}
	return out, nil
}

// Propose asks for a change of an approved commitment to d, for reason
// (required): the change waits for the office's approval, and the
// commitment keeps its current version until then. The actor must be its
// owner or the office; one change waits at a time.
func (s *Service) Propose(ctx context.Context, a *auth.Actor, id int64, d Draft, reason string) (*Version, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(ctx, tx, a, c.Owner, c.unitPath, c.PersonID); err != nil {
			return err
		}
		if c.Status != Approved || c.Stage == StageVerified {
			return conflict("track.not_changeable", "only an approved commitment not yet verified is changed")
		}
		d.Owner, d.UnitID, d.PersonID, d.Year = c.Owner, c.UnitID, c.PersonID, c.Year
		d.normalise()
		l := d.problems()
		if e := errs.CheckText("reason", "track.reason", "the reason", reason, maxReason, true); e != nil {
			l.Add(e)
		}
		if len(l) > 0 {
			return l
		}
		vs, err := versionsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Status == VersionProposed {
				return conflict("track.change_pending", "a change of this commitment already waits for approval")
			}
		}
		p, err := s.place(ctx, tx, a, &d)
		if err != nil {
			return err
		}
		next := *c
		next.apply(&d, p)
		n := vs[len(vs)-1].Version + 1
		if err := insertVersion(ctx, tx, a, &next, n, reason, VersionProposed); err != nil {
			return err
		}
		out = &Version{Version: n, Title: next.Title, Dimension: next.Dimension, Target: next.Target, ItemCode: next.ItemCode,
			TargetValue: next.TargetValue, DueOn: next.DueOn, Milestones: next.Milestones, Reason: reason, Status: VersionProposed, CreatedAt: tx.Now}
		return auth.Record(ctx, tx, a, audit.Event{Action: "commitment.propose", ObjectType: "commitment", ObjectID: db.FormatID(id),
			UnitPath: c.unitPath, Before: c.summary(), After: next.summary(), Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecideChange approves (approve true) the change waiting on commitment
// id, which becomes its current version, or returns it with comment
// (required then). The office's alone.
func (s *Service) DecideChange(ctx context.Context, a *auth.Actor, id int64, approve bool, comment string) (*Commitment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if e := errs.CheckText("comment", "track.comment", "the comments", comment, maxReason, !approve); e != nil {
		return nil, e
	}
	var out *Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.reviewable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		vs, err := versionsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		var v *Version
		for _, x := range vs {
			if x.Status == VersionProposed {
				v = x
			}
		}
		if v == nil {
			return conflict("track.no_change", "no change of this commitment waits for approval")
		}
		st, action := VersionReturned, "commitment.change_return"
		if approve {
			st, action = VersionApproved, "commitment.change_approve"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE commitment_versions SET status = $1, decided_by = $2, decided_at = $3
			WHERE commitment_id = $4 AND version = $5`, st, a.UserID, tx.Now.UnixMicro(), id, v.Version); err != nil {
			return fmt.Errorf("decide change: %w", err)
		}
		before := c.summary()
		if approve {
			c.Title, c.Dimension, c.Target, c.ItemCode, c.TargetValue, c.DueOn = v.Title, v.Dimension, v.Target, v.ItemCode, v.TargetValue, v.DueOn
			c.Milestones, c.Version = v.Milestones, v.Version
			if _, err := tx.ExecContext(ctx, `UPDATE commitments SET title = $1, dimension = $2, target_kind = $3, item_code = $4,
				target_value = $5, due_on = $6, version = $7 WHERE id = $8`, c.Title, c.Dimension, c.Target, c.ItemCode, c.TargetValue,
				c.DueOn, c.Version, id); err != nil {
				return fmt.Errorf("apply change: %w", err)
			}
			if err := writeMilestones(ctx, tx, id, c.Milestones); err != nil {
				return err
			}
		}
		c.ReviewComment, c.UpdatedAt = comment, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET review_comment = $1, updated_at = $2 WHERE id = $3`, comment,
			tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("decide change: %w", err)
		}
		out = c
		return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "commitment", ObjectID: db.FormatID(id),
			UnitPath: c.unitPath, Before: before, After: c.summary(), Reason: comment})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
