package cycle

import (
	"context"
	"database/sql"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Dashboard is what the cycle dashboard shows: the stage, collection
// completeness, what blocks the next stage, the scoring runs and the stage
// history.
type Dashboard struct {
	Cycle *Cycle
	// Completeness is counted before the scoring stage only
	// (CompletenessKnown).
	Completeness      Completeness
	CompletenessKnown bool
	Blockers          []Blocker
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
		// Completeness matters while data come in; from scoring on, the
		// snapshot is what counts. The counts are kept per cycle and item
		// (cycle_item_values), so reading them is cheap at any scale.
		if out.CompletenessKnown = stageIndex(c.Stage) < stageIndex(Scoring); out.CompletenessKnown {
			if out.Completeness, err = s.src.Completeness(ctx, tx, c); err != nil {
				return err
			}
		}
		var known *Completeness
		if out.CompletenessKnown {
			known = &out.Completeness
		}
		if out.Blockers, err = s.blockers(ctx, tx, c, known); err != nil {
			return err
		}
		if out.Manage {
			if out.Snapshots, err = listSnapshots(ctx, tx, id); err != nil {
				return err
			}
		}
		out.History, err = stageLog(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// stageIndex is the position of s in Stages.
func stageIndex(s Stage) int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return len(Stages)
}

// countValues fills cycle_item_values for a new cycle: per data item, how
// many of ents have a value for period. From then on collect.Submit keeps
// the counts up to date, so the dashboard reads a few rows instead of
// counting every (entity, item) cell — about 4 million at 100,000 cadres.
// The item codes are found by seeking through the primary key of
// data_values (item_code leads it) rather than from data_items, so that a
// value of any code is counted as the dashboard would have counted it;
// each item's values of the period are one range of that key, read in
// entity order.
func countValues(ctx context.Context, tx *db.Tx, cycleID int64, period string, ents []Entity) error {
	in := make(map[int64]bool, len(ents))
	for _, e := range ents {
		if e.PersonID != 0 {
			in[e.PersonID] = true
		} else {
			in[e.UnitID] = true
		}
	}
	var code string
	for {
		var next sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT min(item_code) FROM data_values WHERE item_code > $1`, code).Scan(&next); err != nil {
			return fmt.Errorf("find data items: %w", err)
		}
		if !next.Valid {
			return nil
		}
		code = next.String
		n, err := countItem(ctx, tx, code, period, in)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_item_values (cycle_id, item_code, filled) VALUES ($1, $2, $3)`,
			cycleID, code, n); err != nil {
			return fmt.Errorf("store count of %s: %w", code, err)
		}
	}
}

// countItem counts the entities in with a value of item for period.
func countItem(ctx context.Context, tx *db.Tx, item, period string, in map[int64]bool) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entity_id FROM data_values WHERE item_code = $1 AND period = $2
		ORDER BY entity_id`, item, period)
	if err != nil {
		return 0, fmt.Errorf("count values of %s: %w", item, err)
	}
	defer rows.Close()
	n, last := 0, int64(0)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, fmt.Errorf("count values of %s: %w", item, err)
		}
		if id != last && in[id] {
			n++
		}
		last = id
	}
	return n, rows.Err()
}

// filledCounts returns the cycle's counts of entities with a value per
// data item (cycle_item_values); an item without values is missing.
func filledCounts(ctx context.Context, tx *db.Tx, cycleID int64) (map[string]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item_code, filled FROM cycle_item_values WHERE cycle_id = $1`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("read collection counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("read collection counts: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}
