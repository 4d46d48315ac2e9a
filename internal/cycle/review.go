package cycle

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Approve approves snapshot snapID of cycle id: the office has reviewed it
// and it is the one to publish. Only the latest snapshot of a cycle in
// review can be approved, and only once; a new run needs a new review.
// The actor needs ActResultApprove.
func (s *Service) Approve(ctx context.Context, a *auth.Actor, id, snapID int64, reason string) (*Cycle, error) {
	var out *Cycle
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActResultApprove, id)
		if err != nil {
			return err
		}
		if c.Stage != Review {
			return conflict("cycle.not_review", "the cycle is not in review")
		}
		if c.ApprovedSnapshotID != 0 {
			return conflict("cycle.already_approved", "a snapshot is already approved")
		}
		sn, err := getSnapshot(ctx, tx, id, snapID)
		if err != nil {
			return err
		}
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT MAX(number) FROM snapshots WHERE cycle_id = $1`, id).Scan(&latest); err != nil {
			return fmt.Errorf("latest snapshot: %w", err)
		}
		if sn.Number != latest {
			return conflict("cycle.snapshot_not_latest", "only the latest scoring run can be approved")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cycles SET approved_snapshot_id = $1, updated_at = $2 WHERE id = $3`,
			snapID, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("approve snapshot: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "cycle.approve", ObjectType: "cycle", ObjectID: db.FormatID(id),
			UnitPath: c.OwnerPath, After: map[string]any{"snapshot_id": snapID, "number": sn.Number, "digest": sn.Digest},
			Reason: reason}); err != nil {
			return err
		}
		out, err = getCycle(ctx, tx, id)
		return err
	})
	return out, err
}

// Calibration is a recorded grade change.
type Calibration struct {
	ID         int64
	SnapshotID int64
	Entity     string
	From, To   string
	Reason     string
	// Actor is who calibrated as the audit log names them, ActorID the
	// user (0 for the system) and ActorName the user's name ("" for the
	// system).
	Actor     string
	ActorID   int64
	ActorName string
	At        int64
}

// calibrations returns the calibrations of a snapshot, oldest first.
func calibrations(ctx context.Context, tx *db.Tx, snapID int64, entity string) ([]Calibration, error) {
	q := `SELECT id, snapshot_id, entity, from_grade, to_grade, reason, actor, actor_id, created_at FROM calibrations WHERE snapshot_id = $1`
	args := []any{snapID}
	if entity != "" {
		q += ` AND entity = $2`
		args = append(args, entity)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read calibrations: %w", err)
	}
	defer rows.Close()
	var out []Calibration
	var actors []int64
	for rows.Next() {
		var c Calibration
		if err := rows.Scan(&c.ID, &c.SnapshotID, &c.Entity, &c.From, &c.To, &c.Reason, &c.Actor, &c.ActorID, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
		actors = append(actors, c.ActorID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := auth.UserNames(ctx, tx, actors)
	for i := range out {
		out[i].ActorName = names[out[i].ActorID].Name
	}
	return out, err
}

// calibratedGrades maps entity → current grade after calibrations.
func calibratedGrades(ctx context.Context, tx *db.Tx, snapID int64) (map[string]string, error) {
	cs, err := calibrations(ctx, tx, snapID, "")
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.Entity] = c.To
	}
	return m, nil
}

// Calibrate changes the grade of entity in the approved (in review) or
// published snapshot of cycle id to grade, for a reason. The grade must be
// one of the scheme's grades (or its no-grade label); the scheme's quotas
// must still hold in the entity's group, and a blocking rule that bars
// the grade for a veto or sanction still bars it. The change is recorded
// with its reason in the calibrations table and the audit log; the
// calibrated returns the snapshot whose grades may be calibrated: the
// approved one under review, the published one after publication; 0 in
// any other stage.
func (c *Cycle) calibrated() int64 {
	switch {
	case c.Stage == Review && c.ApprovedSnapshotID != 0:
		return c.ApprovedSnapshotID
	case c.Stage == Published:
		return c.PublishedSnapshotID
	}
	return 0
}

// MayCalibrate reports whether a may calibrate grades of cycle c now.
func (s *Service) MayCalibrate(a *auth.Actor, c *Cycle) bool {
	return c.calibrated() != 0 && s.pol.Authorize(a, auth.ActResultApprove, c.OwnerPath) == nil
}

// snapshot itself never changes. The actor needs ActResultApprove.
func (s *Service) Calibrate(ctx context.Context, a *auth.Actor, id int64, entity, grade, reason string) (*Calibration, error) {
	if e := checkText("reason", "cycle.calibration.reason", "reason", reason, 2000); e != nil {
		return nil, e
	}
	var out *Calibration
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActResultApprove, id)
		if err != nil {
			return err
		}
		snapID := c.calibrated()
		if snapID == 0 {
			return conflict("cycle.calibration.stage", "grades are calibrated on an approved or published snapshot")
		}
		sn, err := getSnapshot(ctx, tx, id, snapID)
		if err != nil {
			return err
		}
		g := sn.Header.Grading
		noGrade := g.NoGrade
		if noGrade == "" {
			noGrade = score.DefaultNoGrade
		}
		known := grade == noGrade
		for _, b := range g.Bands {
			known = known || b.Grade == grade
		}
		if !known {
			return invalid("grade", "cycle.calibration.grade_unknown", fmt.Sprintf("%q is not a grade of the scheme", grade))
		}
		var group, engineGrade, flags string
		err = tx.QueryRowContext(ctx, `SELECT grp, grade, flags FROM snapshot_results WHERE snapshot_id = $1 AND entity = $2`,
			snapID, entity).Scan(&group, &engineGrade, &flags)
		if err != nil {
			return notFound("result")
		}
		cur, err := calibratedGrades(ctx, tx, snapID)
		if err != nil {
			return err
		}
		from := engineGrade
		if x, ok := cur[entity]; ok {
			from = x
		}
		if from == grade {
			return conflict("cycle.calibration.same", "the entity already has this grade")
		}
		fl := strings.Split(flags, ",")
		for _, b := range g.Blocks {
			if (b.When == score.BlockVeto && slices.Contains(fl, score.FlagVeto)) ||
				(b.When == score.BlockSanction && slices.Contains(fl, score.FlagSanction)) ||
				(b.When == score.BlockFlag && slices.Contains(fl, b.Flag)) {
				barred := b.Grades
				if len(barred) == 0 && len(g.Bands) > 0 {
					barred = []string{g.Bands[0].Grade}
				}
				if slices.Contains(barred, grade) {
					e := conflict("cycle.calibration.barred", fmt.Sprintf("a blocking rule (%s) bars %s", b.When, grade))
					e.Args = map[string]any{"grade": grade, "rule": string(b.When)}
					return e
				}
			}
		}
		if len(g.Quotas) > 0 {
			rows, err := tx.QueryContext(ctx, `SELECT entity, grade FROM snapshot_results WHERE snapshot_id = $1 AND grp = $2`, snapID, group)
			if err != nil {
				return fmt.Errorf("read group grades: %w", err)
			}
			count, n := map[string]int{}, 0
			for rows.Next() {
				var e, gr string
				if err := rows.Scan(&e, &gr); err != nil {
					rows.Close()
					return err
				}
				if x, ok := cur[e]; ok {
					gr = x
				}
				if e == entity {
					gr = grade
				}
				count[gr]++
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, q := range g.Quotas {
				if q.Grade == grade && count[grade] > quotaLimit(q, n) {
					e := conflict("cycle.calibration.quota", fmt.Sprintf("the quota of %s (%d of %d) would be exceeded", grade, quotaLimit(q, n), n))
					e.Args = map[string]any{"grade": grade, "limit": quotaLimit(q, n), "n": n}
					return e
				}
			}
		}
		cal := Calibration{ID: db.NewID(), SnapshotID: snapID, Entity: entity, From: from, To: grade, Reason: reason,
			Actor: a.AuditName(), At: tx.Now.UnixMicro()}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calibrations (id, snapshot_id, entity, from_grade, to_grade, reason, actor_id, actor, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, cal.ID, cal.SnapshotID, cal.Entity, cal.From, cal.To, cal.Reason,
			a.UserID, cal.Actor, cal.At); err != nil {
			return fmt.Errorf("insert calibration: %w", err)
		}
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT unit_path FROM cycle_entities WHERE cycle_id = $1 AND entity = $2`, id, entity).Scan(&path); err != nil {
			return fmt.Errorf("read entity: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "result.calibrate", ObjectType: "cycle_result",
			ObjectID: db.FormatID(id) + "/" + entity, UnitPath: path, Before: map[string]any{"grade": from},
			After: map[string]any{"grade": grade, "snapshot_id": snapID}, Reason: reason}); err != nil {
			return err
		}
		out = &cal
		return nil
	})
	return out, err
}

// quotaLimit is the number of entities of a group of size n a quota
// allows; the same rule as the engine's (internal/score).
func quotaLimit(q score.Quota, n int) int {
	x := q.Share * float64(n)
	x = math.Round(x*1e9) / 1e9
	switch q.Rounding {
	case score.Round:
		return int(math.Round(x))
	case score.Ceil:
		return int(math.Ceil(x))
	}
	return int(math.Floor(x))
}
