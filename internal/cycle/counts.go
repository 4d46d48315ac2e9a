package cycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"kaohe/internal/db"
)

// The collection counts: cycle_item_values holds, per cycle and data item,
// how many of the cycle's entities have a value of the item for the
// cycle's period, so that the dashboard reads a few rows instead of
// counting every (entity, item) cell — about 4 million at 100,000 cadres
// (decision 0083). A new cycle counts what is there (countValues); from
// then on every submission tells the cycle package of its first values in
// its own transaction (CountNewValues), so the counts never disagree with
// the values.

// countsLock is the PostgreSQL advisory lock that orders the making of a
// cycle (exclusive) against submissions telling their first values
// (shared): either the cycle counts a submission's values or the
// submission, seeing the cycle, counts them itself — never neither. SQLite
// serialises writers, so it needs none.
const countsLock = 0x6b616f6865636e74 // "kaohecnt"

// NewValues are the first values of one data item and period: the
// entities (units or people, by Kind) that had no value of it before.
type NewValues struct {
	Kind, Item, Period string
	EntityIDs          []int64
}

// countValues fills cycle_item_values for a new cycle: per data item, how
// many of ents have a value for period.
func (s *Service) countValues(ctx context.Context, tx *db.Tx, cycleID int64, period string, ents []Entity) error {
	if tx.Engine == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(countsLock)); err != nil {
			return fmt.Errorf("lock collection counts: %w", err)
		}
	}
	in := make(map[int64]bool, len(ents))
	for _, e := range ents {
		if e.PersonID != 0 {
			in[e.PersonID] = true
		} else {
			in[e.UnitID] = true
		}
	}
	counts, err := s.src.Values.FilledCounts(ctx, tx, period, in)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(counts))
	for code, n := range counts {
		if n > 0 {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_item_values (cycle_id, item_code, filled) VALUES ($1, $2, $3)`,
			cycleID, code, counts[code]); err != nil {
			return fmt.Errorf("store count of %s: %w", code, err)
		}
	}
	return nil
}

// CountNewValues adds first values to the counts of every cycle of their
// period that assesses the entity: a person by person_id, a unit by its own
// row (person_id 0). It runs in the submission's transaction; when no
// cycle reads the periods it costs one query.
func (s *Service) CountNewValues(ctx context.Context, tx *db.Tx, added []NewValues) error {
	if len(added) == 0 {
		return nil
	}
	if tx.Engine == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, int64(countsLock)); err != nil {
			return fmt.Errorf("lock collection counts: %w", err)
		}
	}
	var periods []string
	for _, nv := range added {
		if !slices.Contains(periods, nv.Period) {
			periods = append(periods, nv.Period)
		}
	}
	var args []any
	periodOf := map[int64]string{}
	err := db.EachRow(ctx, tx, `SELECT id, period FROM cycles WHERE period IN (`+db.In(&args, periods)+`)`, args, func(scan func(...any) error) error {
		var id int64
		var per string
		if err := scan(&id, &per); err != nil {
			return err
		}
		periodOf[id] = per
		return nil
	})
	if err != nil {
		return fmt.Errorf("find cycles of the values: %w", err)
	}
	if len(periodOf) == 0 {
		return nil
	}
	// The cycles each entity belongs to, by kind.
	ids := map[string][]int64{}
	for _, nv := range added {
		ids[nv.Kind] = append(ids[nv.Kind], nv.EntityIDs...)
	}
	member := map[string]map[int64][]int64{}
	for kind, list := range ids {
		slices.Sort(list)
		list = slices.Compact(list)
		q := `SELECT cycle_id, unit_id FROM cycle_entities WHERE person_id = 0 AND unit_id IN (`
		if kind == string(SubjectPerson) {
			q = `SELECT cycle_id, person_id FROM cycle_entities WHERE person_id IN (`
		}
		m := map[int64][]int64{}
		for start := 0; start < len(list); start += 500 {
			var args []any
			err := db.EachRow(ctx, tx, q+db.In(&args, list[start:min(start+500, len(list))])+`)`, args, func(scan func(...any) error) error {
				var cy, ent int64
				if err := scan(&cy, &ent); err != nil {
					return err
				}
				if _, ok := periodOf[cy]; ok {
					m[ent] = append(m[ent], cy)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("find cycles of the entities: %w", err)
			}
		}
		member[kind] = m
	}
	type cell struct {
		cycle int64
		item  string
	}
	counts := map[cell]int{}
	for _, nv := range added {
		for _, ent := range nv.EntityIDs {
			for _, cy := range member[nv.Kind][ent] {
				if periodOf[cy] == nv.Period {
					counts[cell{cy, nv.Item}]++
				}
			}
		}
	}
	keys := make([]cell, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b cell) int {
		if c := cmp.Compare(a.cycle, b.cycle); c != 0 {
			return c
		}
		return cmp.Compare(a.item, b.item)
	})
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_item_values (cycle_id, item_code, filled) VALUES ($1, $2, $3)
			ON CONFLICT (cycle_id, item_code) DO UPDATE SET filled = cycle_item_values.filled + excluded.filled`,
			k.cycle, k.item, counts[k]); err != nil {
			return fmt.Errorf("count values of cycle %d: %w", k.cycle, err)
		}
	}
	return nil
}

// filledCounts returns the cycle's counts of entities with a value per
// data item; an item without values is missing.
func filledCounts(ctx context.Context, tx *db.Tx, cycleID int64) (map[string]int, error) {
	out := map[string]int{}
	err := db.EachRow(ctx, tx, `SELECT item_code, filled FROM cycle_item_values WHERE cycle_id = $1`, []any{cycleID},
		func(scan func(...any) error) error {
			var code string
			var n int
			if err := scan(&code, &n); err != nil {
				return err
			}
			out[code] = n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read collection counts: %w", err)
	}
	return out, nil
}
