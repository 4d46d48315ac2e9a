package cycle

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Revision is a new snapshot version of a published cycle: a correction
// of its inputs (an appeal answered 更正) rescored the cycle into a new
// snapshot, published in place of the old one, which stays readable and
// is superseded (docs/decisions/0151-snapshot-versions.md).
type Revision struct {
	ID, CycleID                  int64
	FromSnapshotID, ToSnapshotID int64
	// FromNumber and ToNumber are the two snapshots' run numbers.
	FromNumber, ToNumber int
	Reason               string
	// Actor is who made it as the audit log names them, ActorName the
	// user's name ("" for the system).
	Actor, ActorName string
	CreatedAt        time.Time
	// Changes are the entities whose total, rank or grade changed.
	Changes []Change
}

// Change is one entity's result in the old and the new version.
type Change struct {
	Entity, Name       string
	OldTotal, NewTotal float64
	OldRank, NewRank   int
	OldGrade, NewGrade string
}

// Revise rescores published cycle id from its inputs as they are now, in
// the caller's transaction (so that the correction that caused it is
// stored with it or not at all), stores the run as a new snapshot,
// publishes it in place of the current one — whose calibrations it keeps
// where they still differ from the engine's grade — and records the
// revision with every changed total, rank and grade. The actor needs
// ActResultApprove on the cycle's owner.
func (s *Service) Revise(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64, reason string) (*Revision, error) {
	c, err := s.authorizeCycle(ctx, tx, a, auth.ActResultApprove, id)
	if err != nil {
		return nil, err
	}
	if c.Stage != Published || c.PublishedSnapshotID == 0 {
		return nil, conflict("cycle.not_published", "the cycle is not published")
	}
	in, err := s.load(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	in.Hash = inputsHash(in.Document, in.Input, in.Findings)
	out, err := score.Compute(in.Input)
	if err != nil {
		e := conflict("cycle.compute_failed", "the scoring engine refused the inputs")
		e.Err = err
		return nil, e
	}
	old, err := getSnapshot(ctx, tx, id, c.PublishedSnapshotID)
	if err != nil {
		return nil, err
	}
	snap, err := buildSnapshot(in, out).store(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	if err := carryCalibrations(ctx, tx, old.ID, snap.ID, tx.Now.UnixMicro()); err != nil {
		return nil, err
	}
	rev := &Revision{ID: db.NewID(), CycleID: id, FromSnapshotID: old.ID, ToSnapshotID: snap.ID, FromNumber: old.Number,
		ToNumber: snap.Number, Reason: reason, Actor: a.AuditName(), CreatedAt: tx.Now}
	if rev.Changes, err = changes(ctx, tx, id, old.ID, snap.ID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshot_revisions (id, cycle_id, from_snapshot_id, to_snapshot_id, reason, actor_id, actor, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, rev.ID, id, old.ID, snap.ID, reason, a.UserID, rev.Actor, tx.Now.UnixMicro()); err != nil {
		return nil, fmt.Errorf("insert revision: %w", err)
	}
	for _, ch := range rev.Changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO snapshot_revision_changes (revision_id, entity, name, old_total, new_total,
			old_rank, new_rank, old_grade, new_grade) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, rev.ID, ch.Entity, ch.Name,
			ch.OldTotal, ch.NewTotal, ch.OldRank, ch.NewRank, ch.OldGrade, ch.NewGrade); err != nil {
			return nil, fmt.Errorf("insert revision change: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cycles SET approved_snapshot_id = $1, published_snapshot_id = $1, updated_at = $2 WHERE id = $3`,
		snap.ID, tx.Now.UnixMicro(), id); err != nil {
		return nil, fmt.Errorf("publish revision: %w", err)
	}
	return rev, auth.Record(ctx, tx, a, audit.Event{Action: "cycle.revise", ObjectType: "cycle", ObjectID: db.FormatID(id),
		UnitPath: c.OwnerPath, Before: map[string]any{"published_snapshot_id": old.ID, "number": old.Number, "digest": old.Digest},
		After: map[string]any{"published_snapshot_id": snap.ID, "number": snap.Number, "digest": snap.Digest,
			"inputs_hash": snap.InputsHash, "changed": len(rev.Changes)}, Reason: reason})
}

// carryCalibrations copies the current calibrated grade of every entity of
// snapshot from to snapshot to, where it differs from the new engine grade.
func carryCalibrations(ctx context.Context, tx *db.Tx, from, to, now int64) error {
	cs, err := calibrations(ctx, tx, from, "")
	if err != nil {
		return err
	}
	latest := map[string]Calibration{}
	var order []string
	for _, c := range cs {
		if _, ok := latest[c.Entity]; !ok {
			order = append(order, c.Entity)
		}
		latest[c.Entity] = c
	}
	for _, e := range order {
		c := latest[e]
		var grade string
		if err := tx.QueryRowContext(ctx, `SELECT grade FROM snapshot_results WHERE snapshot_id = $1 AND entity = $2`, to, e).Scan(&grade); err != nil {
			return fmt.Errorf("read new grade: %w", err)
		}
		if grade == c.To {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calibrations (id, snapshot_id, entity, from_grade, to_grade, reason, actor_id, actor, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), to, e, grade, c.To, c.Reason, c.ActorID, c.Actor, now); err != nil {
			return fmt.Errorf("carry calibration: %w", err)
		}
	}
	return nil
}

// changes compares the results of two snapshots of cycle id.
func changes(ctx context.Context, tx *db.Tx, id, from, to int64) ([]Change, error) {
	type res struct {
		total float64
		rank  int
		grade string
	}
	read := func(snap int64) (map[string]res, map[string]string, []string, error) {
		m, names := map[string]res{}, map[string]string{}
		var order []string
		err := db.EachRow(ctx, tx, `SELECT r.entity, e.name, r.total, r.rank, `+gradeSQL+` FROM snapshot_results r
			JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity WHERE r.snapshot_id = $1 ORDER BY r.row_no`,
			[]any{snap, id}, func(scan func(...any) error) error {
				var e, n string
				var x res
				if err := scan(&e, &n, &x.total, &x.rank, &x.grade); err != nil {
					return err
				}
				m[e], names[e] = x, n
				order = append(order, e)
				return nil
			})
		return m, names, order, err
	}
	a, _, _, err := read(from)
	if err != nil {
		return nil, fmt.Errorf("read old results: %w", err)
	}
	b, names, order, err := read(to)
	if err != nil {
		return nil, fmt.Errorf("read new results: %w", err)
	}
	var out []Change
	for _, e := range order {
		x, y := a[e], b[e]
		if x == y {
			continue
		}
		out = append(out, Change{Entity: e, Name: names[e], OldTotal: x.total, NewTotal: y.total, OldRank: x.rank, NewRank: y.rank,
			OldGrade: x.grade, NewGrade: y.grade})
	}
	return out, nil
}

// Revisions returns cycle id and its snapshot versions after the first,
// oldest first, with their changes. Whoever reads the cycle's results
// reads them; an assessed cadre or unit sees the changes of the entities
// it may read only.
func (s *Service) Revisions(ctx context.Context, a *auth.Actor, id int64) (*Cycle, []*Revision, error) {
	var out []*Revision
	var c *Cycle
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = s.readableCycle(ctx, tx, a, id); err != nil {
			return err
		}
		if out, err = revisions(ctx, tx, id); err != nil {
			return err
		}
		if s.fullScope(a, c) {
			return nil
		}
		for _, r := range out {
			var keep []Change
			for _, ch := range r.Changes {
				e, err := EntityOf(ctx, tx, id, ch.Entity)
				if err != nil {
					return err
				}
				if s.authorizeEntity(a, e) == nil {
					keep = append(keep, ch)
				}
			}
			r.Changes = keep
		}
		return nil
	})
	return c, out, err
}

// revisions reads the revisions of cycle id, oldest first.
func revisions(ctx context.Context, tx *db.Tx, id int64) ([]*Revision, error) {
	var out []*Revision
	byID := map[int64]*Revision{}
	var actors []int64
	err := db.EachRow(ctx, tx, `SELECT v.id, v.from_snapshot_id, v.to_snapshot_id, f.number, t.number, v.reason, v.actor, v.actor_id, v.created_at
		FROM snapshot_revisions v JOIN snapshots f ON f.id = v.from_snapshot_id JOIN snapshots t ON t.id = v.to_snapshot_id
		WHERE v.cycle_id = $1 ORDER BY t.number`, []any{id}, func(scan func(...any) error) error {
		r := &Revision{CycleID: id}
		var at, actor int64
		if err := scan(&r.ID, &r.FromSnapshotID, &r.ToSnapshotID, &r.FromNumber, &r.ToNumber, &r.Reason, &r.Actor, &actor, &at); err != nil {
			return err
		}
		actors = append(actors, actor)
		r.CreatedAt = db.Micros(at)
		out = append(out, r)
		byID[r.ID] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	names, err := auth.UserNames(ctx, tx, actors)
	if err != nil {
		return nil, err
	}
	for i, r := range out {
		r.ActorName = names[actors[i]].Name
	}
	err = db.EachRow(ctx, tx, `SELECT x.revision_id, x.entity, x.name, x.old_total, x.new_total, x.old_rank, x.new_rank, x.old_grade, x.new_grade
		FROM snapshot_revision_changes x JOIN snapshot_revisions v ON v.id = x.revision_id WHERE v.cycle_id = $1 ORDER BY x.revision_id, x.entity`,
		[]any{id}, func(scan func(...any) error) error {
			var rid int64
			var ch Change
			if err := scan(&rid, &ch.Entity, &ch.Name, &ch.OldTotal, &ch.NewTotal, &ch.OldRank, &ch.NewRank, &ch.OldGrade, &ch.NewGrade); err != nil {
				return err
			}
			byID[rid].Changes = append(byID[rid].Changes, ch)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read revision changes: %w", err)
	}
	return out, nil
}

// SupersededBy returns the number of the snapshot version that replaced
// snapshot snapID, 0 when it is not superseded; in the caller's
// transaction, checking no policy.
func SupersededBy(ctx context.Context, tx *db.Tx, snapID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(t.number), 0) FROM snapshot_revisions v JOIN snapshots t ON t.id = v.to_snapshot_id
		WHERE v.from_snapshot_id = $1`, snapID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read revision: %w", err)
	}
	return n, nil
}
