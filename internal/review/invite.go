package review

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// Invitation is a case to invite a review of (邀评): finished at least the
// configured days ago, inside its review window, not yet reviewed.
type Invitation struct {
	CaseID     int64
	Number     string
	Item       string
	FinishedOn string
	Channel    Channel
	// Last is the last day it may be reviewed.
	Last string
}

// Invitations lists unit id's cases to invite a review of, oldest first,
// at most limit (default 1000). The actor needs ActServiceWrite on the
// unit: the list is what the unit sends out.
func (s *Service) Invitations(ctx context.Context, a *auth.Actor, unitID int64, limit int) ([]Invitation, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	var out []Invitation
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceWrite, unitID)
		if err != nil {
			return err
		}
		cfg, err := configFor(ctx, tx, u.Path)
		if err != nil {
			return err
		}
		today := dayOf(tx.Now)
		latest := today.AddDate(0, 0, -cfg.InviteDays).Format(time.DateOnly)
		earliest := today.AddDate(0, 0, -cfg.WindowDays).Format(time.DateOnly)
		return db.EachRow(ctx, tx, `SELECT c.id, c.number, i.name, c.finished_on, c.channel FROM review_cases c
			JOIN service_items i ON i.id = c.item_id WHERE c.unit_id = $1 AND c.finished_on <= $2 AND c.finished_on >= $3
			AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.case_id = c.id) ORDER BY c.finished_on, c.number LIMIT `+fmt.Sprint(limit),
			[]any{unitID, latest, earliest}, func(scan func(...any) error) error {
				var iv Invitation
				if err := scan(&iv.CaseID, &iv.Number, &iv.Item, &iv.FinishedOn, &iv.Channel); err != nil {
					return err
				}
				f, _ := time.Parse(time.DateOnly, iv.FinishedOn)
				iv.Last = f.AddDate(0, 0, cfg.WindowDays).Format(time.DateOnly)
				out = append(out, iv)
				return nil
			})
	})
	return out, err
}

// ApplyDefaults gives every case of unit id's subtree that is still
// unreviewed the configured days after it was finished the configured
// default level (默认评价), recorded as a default — no person's review,
// never shown as one, left out of 主动评价率 — on the case's own channel.
// A jurisdiction without a default level is left alone. The actor needs
// ActServiceDecide on the unit. It returns the number of defaults given.
func (s *Service) ApplyDefaults(ctx context.Context, a *auth.Actor, unitID int64) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceDecide, unitID)
		if err != nil {
			return err
		}
		type pending struct {
			Case
			path string
		}
		var list []pending
		var args []any
		err = db.EachRow(ctx, tx, `SELECT c.id, c.unit_id, c.item_id, c.finished_on, c.channel FROM review_cases c
			WHERE `+org.UnitInScopeSQL("c.unit_id", auth.Scope{Subtrees: []string{u.Path}}, &args)+`
			AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.case_id = c.id) ORDER BY c.finished_on, c.id`, args, func(scan func(...any) error) error {
			var p pending
			if err := scan(&p.ID, &p.UnitID, &p.ItemID, &p.FinishedOn, &p.Channel); err != nil {
				return err
			}
			list = append(list, p)
			return nil
		})
		if err != nil {
			return fmt.Errorf("find unreviewed cases: %w", err)
		}
		configs := map[int64]Config{}
		periods := map[string]map[int64]bool{}
		today := today(tx.Now)
		for _, p := range list {
			cfg, ok := configs[p.UnitID]
			if !ok {
				pu, err := org.GetUnit(ctx, tx, p.UnitID)
				if err != nil {
					return err
				}
				if cfg, err = configFor(ctx, tx, pu.Path); err != nil {
					return err
				}
				configs[p.UnitID] = cfg
			}
			if cfg.DefaultDays == 0 {
				continue
			}
			f, _ := time.Parse(time.DateOnly, p.FinishedOn)
			if f.AddDate(0, 0, cfg.DefaultDays).Format(time.DateOnly) > today {
				continue
			}
			r := &Review{ID: db.NewID(), CaseID: p.ID, UnitID: p.UnitID, ItemID: p.ItemID, Period: p.FinishedOn[:4], Channel: p.Channel,
				Kind: First, Level: cfg.DefaultLevel, Points: cfg.Points[cfg.DefaultLevel], Default: true, Status: Counted, ReviewedAt: tx.Now}
			if err := insertReview(ctx, tx, r, &intake{}); err != nil {
				return err
			}
			if periods[r.Period] == nil {
				periods[r.Period] = map[int64]bool{}
			}
			periods[r.Period][r.UnitID] = true
			n++
		}
		if n == 0 {
			return nil
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "review.defaults", ObjectType: "unit", ObjectID: db.FormatID(unitID),
			UnitPath: u.Path, After: map[string]any{"defaults": n}}); err != nil {
			return err
		}
		for _, period := range slices.Sorted(maps.Keys(periods)) {
			units := slices.Sorted(maps.Keys(periods[period]))
			if _, err := s.publish(ctx, tx, a, units, period, "默认评价后重新计算"); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
