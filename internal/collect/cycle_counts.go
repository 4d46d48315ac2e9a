package collect

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"kaohe/internal/db"
)

// countNew adds the plan's first values — a value for an entity, item and
// period that had none — to cycle_item_values, the counts of values
// present per assessment cycle and data item that the cycle dashboard
// reads, for every cycle of the value's period that assesses the entity.
// Corrections and reviews do not move the counts: a value is there from
// its first version on, whatever its status (values are never deleted).
// It runs in the submission's transaction, so the counts never disagree
// with data_values. When no cycle reads the batch's periods it costs one
// query.
func (p *plan) countNew(ctx context.Context, tx *db.Tx) error {
	var args []any
	for _, per := range p.periods {
		args = append(args, per)
	}
	if len(args) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, period FROM cycles WHERE period IN (`+placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("find cycles of the values: %w", err)
	}
	periodOf := map[int64]string{}
	for rows.Next() {
		var id int64
		var per string
		if err := rows.Scan(&id, &per); err != nil {
			rows.Close()
			return fmt.Errorf("find cycles of the values: %w", err)
		}
		periodOf[id] = per
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find cycles of the values: %w", err)
	}
	if len(periodOf) == 0 {
		return nil
	}
	// The batch's entities, by kind (a few may have corrections only).
	var people, units []any
	for _, e := range p.ents {
		switch {
		case e == nil:
		case e.kind == EntityPerson:
			people = append(people, e.id)
		default:
			units = append(units, e.id)
		}
	}
	// The cycles each entity belongs to: a person by person_id, a unit by
	// its own row (person_id 0) — a cadre's row carries its unit too.
	member := map[int64][]int64{}
	in := func(q string, ids []any) error {
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			rows, err := tx.QueryContext(ctx, q+` IN (`+placeholders(1, len(chunk))+`)`, chunk...)
			if err != nil {
				return fmt.Errorf("find cycles of the entities: %w", err)
			}
			for rows.Next() {
				var cycle, ent int64
				if err := rows.Scan(&cycle, &ent); err != nil {
					rows.Close()
					return fmt.Errorf("find cycles of the entities: %w", err)
				}
				if _, ok := periodOf[cycle]; ok {
					member[ent] = append(member[ent], cycle)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("find cycles of the entities: %w", err)
			}
		}
		return nil
	}
	if err := in(`SELECT cycle_id, person_id FROM cycle_entities WHERE person_id`, people); err != nil {
		return err
	}
	if err := in(`SELECT cycle_id, unit_id FROM cycle_entities WHERE person_id = 0 AND unit_id`, units); err != nil {
		return err
	}
	if len(member) == 0 {
		return nil
	}
	type cell struct {
		cycle int64
		item  string
	}
	counts := map[cell]int{}
	perCycle := map[int64]int{}
	for _, g := range p.groups {
		per, code := p.periods[g.per], p.items[g.item].Code
		clear(perCycle)
		for _, rc := range p.recs[g.from:g.to] {
			if rc.prevID != 0 {
				continue
			}
			for _, cy := range member[rc.key.ent] {
				if periodOf[cy] == per {
					perCycle[cy]++
				}
			}
		}
		for cy, n := range perCycle {
			counts[cell{cy, code}] += n
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
