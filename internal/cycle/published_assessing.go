package cycle

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// PublishedAssessing lists the published cycles that assess an entity
// whose results a may read — wherever the cycle's owner is — newest period
// first: what a consuming system with a county's sharing token may read
// of the city's cycles.
func (s *Service) PublishedAssessing(ctx context.Context, a *auth.Actor) ([]*Cycle, error) {
	if a == nil {
		return nil, s.pol.Authorize(a, auth.ActTeamResultRead, "") // signed out
	}
	var out []*Cycle
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		q := `SELECT ` + cycleCols + cycleFrom + ` WHERE c.published_snapshot_id <> 0 AND EXISTS (SELECT 1 FROM cycle_entities e
			WHERE e.cycle_id = c.id AND ` + s.entityScope(a, &args) + `) ORDER BY c.period DESC, c.code`
		var err error
		out, err = listCycles(ctx, tx, q, args)
		return err
	})
	return out, err
}
