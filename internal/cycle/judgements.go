package cycle

import (
	"context"

	"kaohe/internal/db"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// judgements sets the qualitative leaves the assessment team judged: a
// judgement is the leaf's raw value for the entity, which the engine takes
// instead of tallying ratings of that leaf (docs/decisions/0100-field-work.md).
// Judgements of indicators that are not qualitative leaves of the scheme,
// or of entities the cycle does not assess, are left out.
func (s *Service) judgements(ctx context.Context, tx *db.Tx, c *Cycle, in *score.Input, leaves []scheme.Leaf) error {
	if s.src.Judgements == nil {
		return nil
	}
	cols := map[string]int{}
	for _, l := range leaves {
		if l.Kind != score.KindQualitative {
			continue
		}
		if j, ok := in.Col(l.Code); ok {
			cols[l.Code] = j
		}
	}
	if len(cols) == 0 {
		return nil
	}
	return s.src.Judgements.Judgements(ctx, tx, c.ID, func(entity, indicator string, v float64) {
		j, ok := cols[indicator]
		if !ok {
			return
		}
		if i, ok := in.Row(entity); ok {
			in.Values.Set(i, j, v)
		}
	})
}
