package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// AppealKind is what a unit says a review was.
type AppealKind string

// The kinds.
const (
	Malicious AppealKind = "malicious" // 恶意评价
	Mistaken  AppealKind = "mistaken"  // 误评
)

// The appeal statuses.
const (
	AppealPending  = "pending"
	AppealUpheld   = "upheld"
	AppealRejected = "rejected"
)

// Appeal is a unit's appeal that a review was malicious or mistaken.
type Appeal struct {
	ID, ReviewID, UnitID int64
	Kind                 AppealKind
	Statement            string
	Status               string
	Decision             string
	CreatedAt, DecidedAt time.Time
	// Loaded: the unit, item and case, the review's level and comment.
	Unit, Item, Number string
	Level              Level
	Comment            string
}

// reviewUnit reads review id's unit path and status.
func reviewUnit(ctx context.Context, tx *db.Tx, id int64) (path string, st Status, period string, unit int64, err error) {
	err = tx.QueryRowContext(ctx, `SELECT unit_id, status, period FROM reviews WHERE id = $1`, id).Scan(&unit, &st, &period)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", 0, errs.NoSuch("review")
	}
	if err != nil {
		return "", "", "", 0, fmt.Errorf("read review: %w", err)
	}
	u, err := org.GetUnit(ctx, tx, unit)
	if err != nil {
		return "", "", "", 0, err
	}
	return u.Path, st, period, unit, nil
}

// authorizeReview checks a may do action on review id's unit; a review out
// of sight is not found.
func (s *Service) authorizeReview(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (string, Status, string, int64, error) {
	path, st, period, unit, err := reviewUnit(ctx, tx, id)
	if err != nil {
		return "", "", "", 0, err
	}
	if err := s.pol.Authorize(a, action, path); err != nil {
		if errs.Is(err, errs.NotFound) {
			return "", "", "", 0, errs.NoSuch("review")
		}
		return "", "", "", 0, err
	}
	return path, st, period, unit, nil
}

// FileAppeal files the unit's appeal that review id was malicious or
// mistaken. The actor needs ActServiceWrite on the review's unit; a review
// with a pending appeal, or one already out of the statistics, takes none.
func (s *Service) FileAppeal(ctx context.Context, a *auth.Actor, reviewID int64, kind AppealKind, statement string) (*Appeal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	statement = strings.TrimSpace(statement)
	var l errs.List
	if kind != Malicious && kind != Mistaken {
		l.Add(errs.Field("kind", "review.appeal.kind_invalid", "say whether the review was malicious or mistaken"))
	}
	if e := errs.CheckText("statement", "review.appeal.statement", "statement", statement, 2000, true); e != nil {
		l.Add(e)
	}
	if len(l) > 0 {
		return nil, l
	}
	var out *Appeal
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, st, _, unit, err := s.authorizeReview(ctx, tx, a, auth.ActServiceWrite, reviewID)
		if err != nil {
			return err
		}
		if st == Excluded {
			return errs.New(errs.Conflict, "review.appeal.excluded", "the review is already out of the statistics")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_appeals WHERE review_id = $1 AND status = 'pending'`, reviewID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, "review.appeal.pending", "the review has an appeal waiting for decision")
		}
		ap := &Appeal{ID: db.NewID(), ReviewID: reviewID, UnitID: unit, Kind: kind, Statement: statement, Status: AppealPending, CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_appeals (id, review_id, unit_id, kind, statement, status, decision, created_at, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, 0)`, ap.ID, reviewID, unit, string(kind), statement, ap.Status, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("file appeal: %w", err)
		}
		out = ap
		return auth.Record(ctx, tx, a, audit.Event{Action: "review.appeal.file", ObjectType: "review", ObjectID: db.FormatID(reviewID),
			UnitPath: path, After: map[string]any{"appeal": db.FormatID(ap.ID), "kind": kind, "statement": statement}})
	})
	return out, err
}

// DecideAppeal decides appeal id: upheld takes the review out of the
// statistics, rejected leaves it in; reason is required and recorded. The
// actor needs ActServiceDecide on the review's unit. The unit's metrics of
// the period are published again.
func (s *Service) DecideAppeal(ctx context.Context, a *auth.Actor, id int64, uphold bool, reason string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if e := errs.CheckText("reason", "review.decision.reason", "reason", reason, 1000, true); e != nil {
		return errs.List{e}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var reviewID int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT review_id, status FROM review_appeals WHERE id = $1`, id).Scan(&reviewID, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("appeal")
		}
		if err != nil {
			return err
		}
		path, _, period, unit, err := s.authorizeReview(ctx, tx, a, auth.ActServiceDecide, reviewID)
		if err != nil {
			return err
		}
		if status != AppealPending {
			return errs.New(errs.Conflict, "review.appeal.decided", "the appeal is already decided")
		}
		st := AppealRejected
		if uphold {
			st = AppealUpheld
			if err := setStatus(ctx, tx, reviewID, Excluded); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE review_appeals SET status = $2, decision = $3, decided_at = $4 WHERE id = $1`,
			id, st, reason, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("decide appeal: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "review.appeal.decide", ObjectType: "review", ObjectID: db.FormatID(reviewID),
			UnitPath: path, Before: map[string]any{"appeal": db.FormatID(id), "status": status},
			After: map[string]any{"appeal": db.FormatID(id), "status": st}, Reason: reason}); err != nil {
			return err
		}
		_, err = s.publish(ctx, tx, a, []int64{unit}, period, "申诉决定后重新计算："+reason)
		return err
	})
}

// DecideHeld decides a review the fraud checks held: count keeps it in the
// statistics, otherwise it is excluded; reason is required and recorded.
// The actor needs ActServiceDecide on the review's unit.
func (s *Service) DecideHeld(ctx context.Context, a *auth.Actor, reviewID int64, count bool, reason string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if e := errs.CheckText("reason", "review.decision.reason", "reason", reason, 1000, true); e != nil {
		return errs.List{e}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, st, period, unit, err := s.authorizeReview(ctx, tx, a, auth.ActServiceDecide, reviewID)
		if err != nil {
			return err
		}
		if st != Held {
			return errs.New(errs.Conflict, "review.held.decided", "the review is not held for decision")
		}
		to := Excluded
		if count {
			to = Counted
		}
		if err := setStatus(ctx, tx, reviewID, to); err != nil {
			return err
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "review.held.decide", ObjectType: "review", ObjectID: db.FormatID(reviewID),
			UnitPath: path, Before: map[string]any{"status": st}, After: map[string]any{"status": to}, Reason: reason}); err != nil {
			return err
		}
		_, err = s.publish(ctx, tx, a, []int64{unit}, period, "可疑评价处理后重新计算："+reason)
		return err
	})
}

func setStatus(ctx context.Context, tx *db.Tx, id int64, st Status) error {
	if _, err := tx.ExecContext(ctx, `UPDATE reviews SET status = $2 WHERE id = $1`, id, string(st)); err != nil {
		return fmt.Errorf("set review status: %w", err)
	}
	return nil
}

// Appeals lists the appeals in the actor's ActServiceRead scope, pending
// first.
func (s *Service) Appeals(ctx context.Context, a *auth.Actor, pendingOnly bool) ([]*Appeal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActServiceRead)
	var out []*Appeal
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		q := `SELECT p.id, p.review_id, p.unit_id, p.kind, p.statement, p.status, p.decision, p.created_at, p.decided_at,
			i.name, c.number, r.level, r.comment FROM review_appeals p JOIN reviews r ON r.id = p.review_id
			JOIN review_cases c ON c.id = r.case_id JOIN service_items i ON i.id = r.item_id WHERE ` + org.UnitInScopeSQL("p.unit_id", sc, &args)
		if pendingOnly {
			q += ` AND p.status = 'pending'`
		}
		q += ` ORDER BY CASE WHEN p.status = 'pending' THEN 0 ELSE 1 END, p.created_at LIMIT 500`
		var ids []int64
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var ap Appeal
			var c, d int64
			if err := scan(&ap.ID, &ap.ReviewID, &ap.UnitID, &ap.Kind, &ap.Statement, &ap.Status, &ap.Decision, &c, &d,
				&ap.Item, &ap.Number, &ap.Level, &ap.Comment); err != nil {
				return err
			}
			ap.CreatedAt, ap.DecidedAt = db.Micros(c), db.Micros(d)
			ids = append(ids, ap.UnitID)
			out = append(out, &ap)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list appeals: %w", err)
		}
		us, err := org.UnitsByID(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, ap := range out {
			if u := us[ap.UnitID]; u != nil {
				ap.Unit = u.Name
			}
		}
		return nil
	})
	return out, err
}

// HeldReviews lists the reviews held for decision in the actor's
// ActServiceDecide scope, oldest first, with their flags.
func (s *Service) HeldReviews(ctx context.Context, a *auth.Actor) ([]*Review, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActServiceDecide)
	if sc.Empty() {
		return nil, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActServiceDecide))
	}
	var out []*Review
	err := s.db.View(ctx, func(tx *db.Tx) error {
		args := []any{string(Held)}
		q := `SELECT r.id, r.case_id, r.unit_id, r.item_id, r.period, r.channel, r.kind, r.level, r.points, r.comment, r.named, r.flags,
			r.reviewed_at, c.number, i.name FROM reviews r JOIN review_cases c ON c.id = r.case_id JOIN service_items i ON i.id = r.item_id
			WHERE r.status = $1 AND ` + org.UnitInScopeSQL("r.unit_id", sc, &args) + ` ORDER BY r.reviewed_at, r.id LIMIT 500`
		var ids []int64
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var r Review
			var named int
			var flags string
			var at int64
			if err := scan(&r.ID, &r.CaseID, &r.UnitID, &r.ItemID, &r.Period, &r.Channel, &r.Kind, &r.Level, &r.Points, &r.Comment,
				&named, &flags, &at, &r.Number, &r.Item); err != nil {
				return err
			}
			r.Named, r.ReviewedAt, r.Status = named == 1, db.Micros(at), Held
			if err := json.Unmarshal([]byte(flags), &r.Flags); err != nil {
				return fmt.Errorf("flags of review %d: %w", r.ID, err)
			}
			ids = append(ids, r.UnitID)
			out = append(out, &r)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list held reviews: %w", err)
		}
		us, err := org.UnitsByID(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, r := range out {
			if u := us[r.UnitID]; u != nil {
				r.Unit = u.Name
			}
		}
		return nil
	})
	return out, err
}
