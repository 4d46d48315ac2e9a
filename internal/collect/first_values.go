package collect

import (
	"context"

	"kaohe/internal/db"
)

// FirstValues are the entities of one data item and period whose first
// value a submission writes: there was none for the entity, item and period
// before. Only a first value changes what a cycle counts as collected:
// values are never deleted, a correction is a new version of a value that
// is there already, and a review changes a status.
type FirstValues struct {
	Kind         EntityKind
	Item, Period string
	EntityIDs    []int64
}

// FirstValuesListener hears of a submission's first values in the
// submission's transaction, so that what it keeps never disagrees with the
// values (the cycle package's collection counts, wired by the server).
type FirstValuesListener interface {
	FirstValues(ctx context.Context, tx *db.Tx, fv []FirstValues) error
}

// Listen makes every submission tell l of its first values.
func (s *Service) Listen(l FirstValuesListener) { s.first = l }

// tellFirst tells the listener of the plan's first values, if any.
func (p *plan) tellFirst(ctx context.Context, tx *db.Tx, l FirstValuesListener) error {
	if l == nil {
		return nil
	}
	var out []FirstValues
	for _, g := range p.groups {
		it := p.items[g.item]
		fv := FirstValues{Kind: it.EntityKind, Item: it.Code, Period: p.periods[g.per]}
		for _, rc := range p.recs[g.from:g.to] {
			if rc.prevID == 0 {
				fv.EntityIDs = append(fv.EntityIDs, rc.key.ent)
			}
		}
		if len(fv.EntityIDs) > 0 {
			out = append(out, fv)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return l.FirstValues(ctx, tx, out)
}
