package cycle

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Dashboard is what the cycle dashboard shows: the stage, collection
// completeness, what blocks the next stage, the scoring runs and the stage
// history.
type Dashboard struct {
	Cycle        *Cycle
	Completeness Completeness
	Blockers     []Blocker
	// Snapshots are the runs, newest first (for the office only).
	Snapshots []*Snapshot
	History   []StageMove
	// Manage, Approve: what the actor may do.
	Manage, Approve bool
}

// Dashboard returns the dashboard of cycle id; the actor needs
// ActCycleRead.
func (s *Service) Dashboard(ctx context.Context, a *auth.Actor, id int64) (*Dashboard, error) {
	out := &Dashboard{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id)
		if err != nil {
			return err
		}
		out.Cycle = c
		out.Manage = s.mayReview(a, c)
		out.Approve = s.pol.Authorize(a, auth.ActResultApprove, c.OwnerPath) == nil
		if out.Completeness, err = s.src.Completeness(ctx, tx, c); err != nil {
			return err
		}
		if out.Blockers, err = s.blockers(ctx, tx, c); err != nil {
			return err
		}
		if out.Manage {
			rows, err := tx.QueryContext(ctx, `SELECT `+snapshotCols+` FROM snapshots WHERE cycle_id = $1 ORDER BY number DESC`, id)
			if err != nil {
				return err
			}
			for rows.Next() {
				sn, err := scanSnapshot(rows)
				if err != nil {
					rows.Close()
					return err
				}
				out.Snapshots = append(out.Snapshots, sn)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT from_stage, to_stage, actor, reason, created_at FROM cycle_stage_log
			WHERE cycle_id = $1 ORDER BY created_at, id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m StageMove
			if err := rows.Scan(&m.From, &m.To, &m.Actor, &m.Reason, &m.At); err != nil {
				return err
			}
			out.History = append(out.History, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
