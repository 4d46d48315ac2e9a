package track

import (
	"context"
	"fmt"
	"strconv"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Seed is a commitment as a loader (the demo) writes it: filed and, unless
// its Status says otherwise, approved as version 1, with its reports, in
// order, and its verdict when its Stage is verified.
type Seed struct {
	Commitment
	Reports []Report
}

// SeedCommitments writes seeds with their IDs set inside the caller's
// transaction, without authorizing, then publishes the delivery rates of
// their owners for their years and records the load as one audit event:
// for loaders that check their rows themselves.
func (s *Service) SeedCommitments(ctx context.Context, tx *db.Tx, a *auth.Actor, seeds []*Seed) error {
	type owner struct {
		kind       OwnerKind
		unit, pers int64
		year       int
	}
	owners := map[owner]*Commitment{}
	var order []owner
	now := tx.Now.UnixMicro()
	for _, sd := range seeds {
		c := &sd.Commitment
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitments (id, owner_kind, unit_id, person_id, year, title, dimension,
			target_kind, item_code, target_value, due_on, version, status, review_comment, stage, verdict, verdict_reason, created_by,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16, $17, $18, $18)`,
			c.ID, c.Owner, c.UnitID, c.PersonID, c.Year, c.Title, c.Dimension, c.Target, c.ItemCode, c.TargetValue, c.DueOn, c.Status,
			c.ReviewComment, c.Stage, c.Verdict, c.VerdictReason, a.UserID, now); err != nil {
			return fmt.Errorf("seed commitment: %w", err)
		}
		if err := writeMilestones(ctx, tx, c.ID, c.Milestones); err != nil {
			return err
		}
		if c.Status == Approved {
			if err := insertVersion(ctx, tx, a, c, 1, "", VersionApproved); err != nil {
				return err
			}
		}
		for i := range sd.Reports {
			r := &sd.Reports[i]
			if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_reports (id, commitment_id, stage, body, value, author_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), c.ID, r.Stage, r.Body, r.Value, a.UserID, r.CreatedAt.UnixMicro()); err != nil {
				return fmt.Errorf("seed report: %w", err)
			}
		}
		if c.Stage == StageVerified {
			k := owner{c.Owner, c.UnitID, c.PersonID, c.Year}
			if owners[k] == nil {
				order = append(order, k)
			}
			owners[k] = c
		}
	}
	var cs []*Commitment
	for _, k := range order {
		cs = append(cs, owners[k])
	}
	if err := fill(ctx, tx, cs); err != nil {
		return err
	}
	for _, k := range order {
		if err := s.publishRate(ctx, tx, a, owners[k], "演示数据：亮效核实"); err != nil {
			return err
		}
	}
	return auth.Record(ctx, tx, a, audit.Event{Action: "commitment.seed", ObjectType: "commitment", ObjectID: strconv.Itoa(len(seeds)),
		UnitPath: audit.GlobalPath, After: map[string]any{"commitments": len(seeds), "rates": len(order)}})
}
