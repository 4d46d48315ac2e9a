package cycle

import (
	"context"
	"encoding/json"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// The functions of this file are how the analysis across cycles (package
// analysis) reads published results, in the caller's transaction. They
// check no policy: the caller authorizes its own action and passes the
// scope it may read.

// LeafValues is one entity's raw and normalised value per leaf of a
// snapshot (Header.Leaves order); NaN where the entity had none.
type LeafValues struct {
	Entity     Entity
	Raw        []score.Num
	Normalised []score.Num
}

// PublishedCycles lists the cycles whose owner unit lies in sc that have a
// published snapshot, newest period first, without their parts.
func PublishedCycles(ctx context.Context, tx *db.Tx, sc auth.Scope) ([]*Cycle, error) {
	cs, err := InStages(ctx, tx, sc, []Stage{Published, Closed})
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if c.PublishedSnapshotID != 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// PublishedSnapshot returns the published snapshot of cycle id with its
// header; NotFound when the cycle has none.
func PublishedSnapshot(ctx context.Context, tx *db.Tx, id int64) (*Snapshot, error) {
	c, err := getCycle(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if c.PublishedSnapshotID == 0 {
		return nil, notFound("results")
	}
	return getSnapshot(ctx, tx, id, c.PublishedSnapshotID)
}

// PublishedLeaves returns the leaf values of snapshot sn (one that
// PublishedSnapshot returned) for each entity of comparison group group
// whose unit lies in sc, in engine order.
func PublishedLeaves(ctx context.Context, tx *db.Tx, sn *Snapshot, sc auth.Scope, group string) ([]LeafValues, error) {
	id := sn.CycleID
	args := []any{sn.ID, id, group}
	rows, err := tx.QueryContext(ctx, `SELECT e.entity, e.unit_id, e.person_id, e.unit_path, e.grp, e.name, e.sanction, r.detail
		FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
		WHERE r.snapshot_id = $1 AND e.grp = $3 AND `+sc.SQL("e.unit_path", &args)+` ORDER BY r.row_no`, args...)
	if err != nil {
		return nil, fmt.Errorf("read published leaves: %w", err)
	}
	defer rows.Close()
	var out []LeafValues
	for rows.Next() {
		var v LeafValues
		var detail string
		e := &v.Entity
		if err := rows.Scan(&e.ID, &e.UnitID, &e.PersonID, &e.UnitPath, &e.Group, &e.Name, &e.Sanction, &detail); err != nil {
			return nil, err
		}
		var d struct {
			Raw        []score.Num `json:"raw"`
			Normalised []score.Num `json:"normalised"`
		}
		if err := json.Unmarshal([]byte(detail), &d); err != nil {
			return nil, fmt.Errorf("snapshot %d: detail of %s: %w", sn.ID, e.ID, err)
		}
		v.Raw, v.Normalised = d.Raw, d.Normalised
		out = append(out, v)
	}
	return out, rows.Err()
}
