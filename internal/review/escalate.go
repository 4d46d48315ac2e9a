package review

import (
	"context"
	"fmt"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Escalate sends every overdue work order in unit id's subtree that has
// not gone up yet to the unit's superior: it is dated escalated, gets a
// step naming the superior and an audit event, and shows on the
// superior's board among the escalated. The actor needs ActServiceDecide
// on the unit. It returns the number escalated.
func (s *Service) Escalate(ctx context.Context, a *auth.Actor, unitID int64) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceDecide, unitID)
		if err != nil {
			return err
		}
		today := today(tx.Now)
		args := []any{today}
		q := `SELECT o.id, o.unit_id, o.number FROM review_orders o WHERE o.escalated_on = '' AND
			((o.state IN ('received', 'verifying') AND o.verify_due < $1) OR (o.state IN ('received', 'verifying', 'rectifying') AND o.rectify_due < $1))
			AND ` + org.UnitInScopeSQL("o.unit_id", auth.Scope{Subtrees: []string{u.Path}}, &args) + ` ORDER BY o.number`
		type due struct {
			id, unit int64
			number   string
		}
		var list []due
		err = db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var d due
			if err := scan(&d.id, &d.unit, &d.number); err != nil {
				return err
			}
			list = append(list, d)
			return nil
		})
		if err != nil {
			return fmt.Errorf("find overdue work orders: %w", err)
		}
		var ids []int64
		for _, d := range list {
			ids = append(ids, d.unit)
		}
		units, err := org.UnitsByID(ctx, tx, ids)
		if err != nil {
			return err
		}
		var parents []int64
		for _, ou := range units {
			parents = append(parents, ou.ParentID)
		}
		sup, err := org.UnitsByID(ctx, tx, parents)
		if err != nil {
			return err
		}
		for _, d := range list {
			ou := units[d.unit]
			if ou == nil {
				return errs.NoSuch("unit")
			}
			to := "上级单位"
			if p := sup[ou.ParentID]; p != nil {
				to = p.Name
			}
			if _, err := tx.ExecContext(ctx, `UPDATE review_orders SET escalated_on = $2, updated_at = $3 WHERE id = $1`,
				d.id, today, tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("escalate work order: %w", err)
			}
			var st State
			if err := tx.QueryRowContext(ctx, `SELECT state FROM review_orders WHERE id = $1`, d.id).Scan(&st); err != nil {
				return err
			}
			if err := addStep(ctx, tx, d.id, st, "逾期未办，已上报"+to+"督办", a.AuditName()); err != nil {
				return err
			}
			if err := auth.Record(ctx, tx, a, audit.Event{Action: "review.order.escalate", ObjectType: "review_order",
				ObjectID: db.FormatID(d.id), UnitPath: ou.Path, After: map[string]any{"number": d.number, "escalated_on": today, "to": to}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
