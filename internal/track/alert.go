package track

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Alert is a spell of a monitored indicator below its trajectory.
type Alert struct {
	ID, MonitorID, UnitID int64
	// Unit and Item name the unit and the indicator (loaded).
	Unit, Item, ItemCode string
	Year                 int
	// Light is the worst light of the spell; Period, Value, Expected and
	// Gap those of its latest check.
	Light                Light
	Period               string
	Value, Expected, Gap float64
	OpenedAt             time.Time
	// ClosedAt is zero while the alert is open; ClosedBy is recovered or
	// explained, with the office's Explanation.
	ClosedAt    time.Time
	ClosedBy    string
	Explanation string
	unitPath    string
}

// Open reports whether the alert is open.
func (a *Alert) Open() bool { return a.ClosedAt.IsZero() }

// AlertFilter selects alerts. Zero fields do not filter.
type AlertFilter struct {
	UnitID int64
	// Open keeps the open alerts.
	Open bool
	// Since and Before keep the alerts open at some time between them:
	// not closed before Since, opened before Before (the weekly digest).
	Since, Before time.Time
	// Limit, when above 0, returns at most that many.
	Limit int
}

const alertCols = `a.id, a.monitor_id, m.unit_id, m.item_code, m.year, a.status, a.period, a.value, a.expected, a.gap,
	a.opened_at, a.closed_at, a.closed_by, a.explanation`

// Alerts lists the alerts of the monitors the actor may read, red before
// yellow, the largest gap first.
func (s *Service) Alerts(ctx context.Context, a *auth.Actor, f AlertFilter) ([]*Alert, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActMonitorRead)
	if sc.Empty() {
		return nil, nil
	}
	var out []*Alert
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := org.UnitInScopeSQL("m.unit_id", sc, &args)
		if f.UnitID != 0 {
			cond += " AND m.unit_id = " + db.Arg(&args, f.UnitID)
		}
		if f.Open {
			cond += " AND a.closed_at = 0"
		}
		if !f.Since.IsZero() {
			cond += " AND (a.closed_at = 0 OR a.closed_at >= " + db.Arg(&args, f.Since.UnixMicro()) + ")"
		}
		if !f.Before.IsZero() {
			cond += " AND a.opened_at < " + db.Arg(&args, f.Before.UnixMicro())
		}
		q := `SELECT ` + alertCols + ` FROM monitor_alerts a JOIN monitors m ON m.id = a.monitor_id
			WHERE ` + cond + ` ORDER BY CASE a.status WHEN 'red' THEN 0 ELSE 1 END, a.closed_at, a.gap / a.expected, a.id`
		if f.Limit > 0 {
			q += fmt.Sprintf(" LIMIT %d", f.Limit)
		}
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			al := &Alert{}
			var opened, closed int64
			if err := scan(&al.ID, &al.MonitorID, &al.UnitID, &al.ItemCode, &al.Year, &al.Light, &al.Period,
				&al.Value, &al.Expected, &al.Gap, &opened, &closed, &al.ClosedBy, &al.Explanation); err != nil {
				return err
			}
			al.OpenedAt = db.Micros(opened)
			if closed != 0 {
				al.ClosedAt = db.Micros(closed)
			}
			out = append(out, al)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list alerts: %w", err)
		}
		return nameAlerts(ctx, tx, out)
	})
	return out, err
}

// nameAlerts fills the names of the alerts' items.
func nameAlerts(ctx context.Context, tx *db.Tx, as []*Alert) error {
	ms := make([]*Monitor, len(as))
	for i, al := range as {
		ms[i] = &Monitor{ItemCode: al.ItemCode, UnitID: al.UnitID}
	}
	if err := nameMonitors(ctx, tx, ms); err != nil {
		return err
	}
	for i, al := range as {
		al.Item, al.Unit, al.unitPath = ms[i].Item, ms[i].Unit, ms[i].unitPath
	}
	return nil
}

// Explain closes open alert id with the office's explanation of the lag
// (e.g. 重大项目投产延后至四季度). The actor needs ActMonitorWrite on the
// unit.
func (s *Service) Explain(ctx context.Context, a *auth.Actor, id int64, explanation string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	explanation = strings.TrimSpace(explanation)
	if e := errs.CheckText("explanation", "track.explanation", "the explanation", explanation, maxReason, true); e != nil {
		return e
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var item string
		var unit, closed int64
		err := tx.QueryRowContext(ctx, `SELECT m.unit_id, m.item_code, a.closed_at FROM monitor_alerts a JOIN monitors m ON m.id = a.monitor_id
			WHERE a.id = $1`, id).Scan(&unit, &item, &closed)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.NoSuch("alert")
			}
			return fmt.Errorf("read alert: %w", err)
		}
		u, err := org.GetUnit(ctx, tx, unit)
		if err != nil {
			return err
		}
		path := u.Path
		if s.pol.Authorize(a, auth.ActMonitorRead, path) != nil {
			return errs.NoSuch("alert")
		}
		if err := s.pol.Authorize(a, auth.ActMonitorWrite, path); err != nil {
			return err
		}
		if closed != 0 {
			return conflict("track.alert_closed", "the alert is closed already")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitor_alerts SET closed_at = $1, closed_by = 'explained', explanation = $2, closer_id = $3
			WHERE id = $4`, tx.Now.UnixMicro(), explanation, a.UserID, id); err != nil {
			return fmt.Errorf("close alert: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "monitor.explain", ObjectType: "monitor_alert", ObjectID: db.FormatID(id),
			UnitPath: path, After: map[string]any{"item": item, "closed_by": "explained"}, Reason: explanation})
	})
}

// MonitorFilter selects monitors. Zero fields do not filter.
type MonitorFilter struct {
	Year   int
	UnitID int64
	Light  Light
}

// maxMonitors is the most monitors one page lists.
const maxMonitors = 500

// Monitors lists the monitors the actor may read, by unit and item, at
// most maxMonitors.
func (s *Service) Monitors(ctx context.Context, a *auth.Actor, f MonitorFilter) ([]*Monitor, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActMonitorRead)
	if sc.Empty() {
		return nil, nil
	}
	var out []*Monitor
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := org.UnitInScopeSQL("m.unit_id", sc, &args)
		if f.Year != 0 {
			cond += " AND m.year = " + db.Arg(&args, f.Year)
		}
		if f.UnitID != 0 {
			cond += " AND m.unit_id = " + db.Arg(&args, f.UnitID)
		}
		if f.Light != "" {
			cond += " AND m.status = " + db.Arg(&args, string(f.Light))
		}
		err := db.EachRow(ctx, tx, `SELECT `+monitorCols+monitorFrom+` WHERE `+cond+fmt.Sprintf(` ORDER BY m.unit_id, m.item_code, m.year LIMIT %d`, maxMonitors),
			args, func(scan func(...any) error) error {
				m, err := scanMonitor(scan)
				if err != nil {
					return err
				}
				out = append(out, m)
				return nil
			})
		if err != nil {
			return fmt.Errorf("list monitors: %w", err)
		}
		if err := nameMonitors(ctx, tx, out); err != nil {
			return err
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].unitPath < out[j].unitPath })
		return nil
	})
	return out, err
}
