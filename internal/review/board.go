package review

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// Periods lists the periods (years) with reviews or cases in unit id's
// subtree, the latest first. The actor needs ActServiceRead on the unit.
func (s *Service) Periods(ctx context.Context, a *auth.Actor, unitID int64) ([]string, error) {
	var out []string
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceRead, unitID)
		if err != nil {
			return err
		}
		var args []any
		in := org.UnitInScopeSQL("c.unit_id", auth.Scope{Subtrees: []string{u.Path}}, &args)
		return db.EachRow(ctx, tx, `SELECT DISTINCT substr(c.finished_on, 1, 4) AS p FROM review_cases c WHERE `+in+` ORDER BY p DESC`,
			args, func(scan func(...any) error) error {
				var p string
				if err := scan(&p); err != nil {
					return err
				}
				out = append(out, p)
				return nil
			})
	})
	return out, err
}

// OrderCounts are a unit's open and overdue work orders.
type OrderCounts struct{ Open, Overdue, Escalated int }

// CountOrders counts the open, overdue and escalated work orders of the
// units in unit id's subtree, by unit. The actor needs ActServiceRead on
// the unit.
func (s *Service) CountOrders(ctx context.Context, a *auth.Actor, unitID int64) (map[int64]OrderCounts, error) {
	out := map[int64]OrderCounts{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceRead, unitID)
		if err != nil {
			return err
		}
		args := []any{today(tx.Now)}
		in := org.UnitInScopeSQL("o.unit_id", auth.Scope{Subtrees: []string{u.Path}}, &args)
		err = db.EachRow(ctx, tx, `SELECT o.unit_id, count(*),
			sum(CASE WHEN (o.state IN ('received', 'verifying') AND o.verify_due < $1) OR
				(o.state IN ('received', 'verifying', 'rectifying') AND o.rectify_due < $1) THEN 1 ELSE 0 END),
			sum(CASE WHEN o.escalated_on <> '' THEN 1 ELSE 0 END)
			FROM review_orders o WHERE o.state <> 'closed' AND `+in+` GROUP BY o.unit_id`, args, func(scan func(...any) error) error {
			var id int64
			var c OrderCounts
			if err := scan(&id, &c.Open, &c.Overdue, &c.Escalated); err != nil {
				return err
			}
			out[id] = c
			return nil
		})
		if err != nil {
			return fmt.Errorf("count work orders: %w", err)
		}
		return nil
	})
	return out, err
}
