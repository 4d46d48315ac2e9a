package track

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Window is when a year's reports of one stage are filed: mid-year
// progress (年中亮晒) or year-end proof (年底亮效), from Opens to Closes
// ('YYYY-MM-DD', Beijing days, both included), as the office of UnitID
// set it for its jurisdiction.
type Window struct {
	UnitID int64
	// Unit names it (loaded).
	Unit   string
	Year   int
	Stage  ReportStage
	Opens  string
	Closes string
}

// Holds reports whether day ('YYYY-MM-DD') lies within the window.
func (w *Window) Holds(day string) bool { return day >= w.Opens && day <= w.Closes }

// check validates the window's stage and dates: the mid-year window lies
// in its year, the year-end one from its year's November to the next
// year's March.
func (w *Window) check() error {
	var l errs.List
	if w.Stage != ReportMidyear && w.Stage != ReportYearEnd {
		l.Add(errs.Field("stage", "track.window.stage_invalid", "choose mid-year progress or year-end proof"))
	}
	opens, err := time.Parse(time.DateOnly, w.Opens)
	if err != nil {
		l.Add(errs.Field("opens", "track.window.day_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", w.Opens)))
	}
	closes, err := time.Parse(time.DateOnly, w.Closes)
	if err != nil {
		l.Add(errs.Field("closes", "track.window.day_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", w.Closes)))
	}
	if len(l) > 0 {
		return l
	}
	if closes.Before(opens) {
		return errs.Field("closes", "track.window.closes_before", "the window closes after it opens")
	}
	first, last := time.Date(w.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(w.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	if w.Stage == ReportYearEnd {
		first, last = time.Date(w.Year, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(w.Year+1, 3, 31, 0, 0, 0, 0, time.UTC)
	}
	if opens.Before(first) || closes.After(last) {
		e := errs.Field("opens", "track.window.outside_year", "the window lies outside the year")
		e.Args = map[string]any{"first": first.Format(time.DateOnly), "last": last.Format(time.DateOnly)}
		return e
	}
	return nil
}

// SetWindow sets, for the jurisdiction of w.UnitID, when w's year's
// reports of w's stage are filed; the actor reviews commitments there
// (the office). It replaces the unit's window of that year and stage.
func (s *Service) SetWindow(ctx context.Context, a *auth.Actor, w Window) error {
	if err := signedIn(a); err != nil {
		return err
	}
	w.Opens, w.Closes = strings.TrimSpace(w.Opens), strings.TrimSpace(w.Closes)
	if err := w.check(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		us, err := org.UnitsByID(ctx, tx, []int64{w.UnitID})
		if err != nil {
			return err
		}
		u := us[w.UnitID]
		if u == nil {
			return errs.Field("unit", "track.unit_required", "choose the unit")
		}
		if err := s.pol.Authorize(a, auth.ActCommitmentReview, u.Path); err != nil {
			return err
		}
		var before map[string]any
		if old, err := windowOf(ctx, tx, u.Path, w.Year, w.Stage); err != nil {
			return err
		} else if old != nil && old.UnitID == w.UnitID {
			before = map[string]any{"opens": old.Opens, "closes": old.Closes}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_windows WHERE unit_id = $1 AND year = $2 AND stage = $3`,
			w.UnitID, w.Year, string(w.Stage)); err != nil {
			return fmt.Errorf("set report window: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_windows (unit_id, year, stage, opens, closes, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.UnitID, w.Year, string(w.Stage), w.Opens, w.Closes, a.UserID, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("set report window: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "commitment.window", ObjectType: "unit", ObjectID: db.FormatID(w.UnitID),
			UnitPath: u.Path, Before: before, After: map[string]any{"year": w.Year, "stage": w.Stage, "opens": w.Opens, "closes": w.Closes}})
	})
}

// Windows returns the windows of year that apply at unit unitID — its
// own or its nearest ancestor's — for both stages, for whoever reads the
// unit's commitments; a stage without one is absent.
func (s *Service) Windows(ctx context.Context, a *auth.Actor, unitID int64, year int) ([]*Window, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Window
	err := s.db.View(ctx, func(tx *db.Tx) error {
		us, err := org.UnitsByID(ctx, tx, []int64{unitID})
		if err != nil {
			return err
		}
		u := us[unitID]
		if u == nil || s.pol.Authorize(a, auth.ActCommitmentRead, u.Path) != nil {
			return errs.NoSuch("unit")
		}
		for _, st := range []ReportStage{ReportMidyear, ReportYearEnd} {
			w, err := windowOf(ctx, tx, u.Path, year, st)
			if err != nil {
				return err
			}
			if w != nil {
				out = append(out, w)
			}
		}
		return nil
	})
	return out, err
}

// windowOf returns the window of year and stage that applies at the unit
// of path: the deepest one set on the unit or above it; nil for none.
func windowOf(ctx context.Context, tx *db.Tx, path string, year int, st ReportStage) (*Window, error) {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{year, string(st)}
	var found []*Window
	err := db.EachRow(ctx, tx, `SELECT unit_id, opens, closes FROM report_windows WHERE year = $1 AND stage = $2
		AND unit_id IN (`+db.In(&args, ids)+`)`, args, func(scan func(...any) error) error {
		w := &Window{Year: year, Stage: st}
		if err := scan(&w.UnitID, &w.Opens, &w.Closes); err != nil {
			return err
		}
		found = append(found, w)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read report windows: %w", err)
	}
	if len(found) == 0 {
		return nil, nil
	}
	// The deepest: the latest of the path's ids.
	slices.SortFunc(found, func(x, y *Window) int { return slices.Index(ids, y.UnitID) - slices.Index(ids, x.UnitID) })
	w := found[0]
	us, err := org.UnitsByID(ctx, tx, []int64{w.UnitID})
	if err != nil {
		return nil, err
	}
	if u := us[w.UnitID]; u != nil {
		w.Unit = u.Name
	}
	return w, nil
}

// today is the Beijing day of t.
func today(t time.Time) string { return t.In(collect.Beijing).Format(time.DateOnly) }
