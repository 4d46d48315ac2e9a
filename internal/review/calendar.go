package review

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Holiday is a day of the office's calendar that is not what its weekday
// says: a day off on a weekday (法定节假日), or a weekend day worked (调休).
type Holiday struct {
	Day string // 'YYYY-MM-DD'
	// Workday is true for a weekend day worked.
	Workday bool
	Name    string
}

// Calendar tells working days from days off.
type Calendar struct {
	off, work map[string]bool
}

// Working reports whether day is a working day.
func (c *Calendar) Working(day time.Time) bool {
	k := day.Format(time.DateOnly)
	if c.off[k] {
		return false
	}
	if c.work[k] {
		return true
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorking returns the day n working days after day.
func (c *Calendar) AddWorking(day time.Time, n int) time.Time {
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.Working(day) {
			n--
		}
	}
	return day
}

// calendar reads the holiday calendar.
func calendar(ctx context.Context, tx *db.Tx) (*Calendar, error) {
	c := &Calendar{off: map[string]bool{}, work: map[string]bool{}}
	err := db.EachRow(ctx, tx, `SELECT day, kind FROM review_holidays`, nil, func(scan func(...any) error) error {
		var day, kind string
		if err := scan(&day, &kind); err != nil {
			return err
		}
		if kind == "workday" {
			c.work[day] = true
		} else {
			c.off[day] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read holidays: %w", err)
	}
	return c, nil
}

// Holidays lists the calendar's days. The actor needs ActServiceRead
// somewhere.
func (s *Service) Holidays(ctx context.Context, a *auth.Actor) ([]Holiday, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if s.pol.Scope(a, auth.ActServiceRead).Empty() {
		return nil, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActServiceRead))
	}
	var out []Holiday
	err := s.db.View(ctx, func(tx *db.Tx) error {
		return db.EachRow(ctx, tx, `SELECT day, kind, name FROM review_holidays ORDER BY day`, nil, func(scan func(...any) error) error {
			var h Holiday
			var kind string
			if err := scan(&h.Day, &kind, &h.Name); err != nil {
				return err
			}
			h.Workday = kind == "workday"
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// SetHolidays replaces the calendar's days from..to (inclusive) by days.
// The calendar is the office's: the actor needs ActServiceDecide on the
// root of every jurisdiction (the system, or an office of the top unit).
func (s *Service) SetHolidays(ctx context.Context, a *auth.Actor, from, to string, days []Holiday) error {
	if err := signedIn(a); err != nil {
		return err
	}
	var l errs.List
	f, errF := time.Parse(time.DateOnly, from)
	t, errT := time.Parse(time.DateOnly, to)
	if errF != nil || errT != nil || t.Before(f) {
		l.Add(errs.Field("to", "review.holiday.range_invalid", "the range is two days YYYY-MM-DD, the first not after the second"))
	}
	for i, h := range days {
		d, err := time.Parse(time.DateOnly, h.Day)
		if err != nil || d.Before(f) || d.After(t) {
			e := errs.Field("day", "review.holiday.day_invalid", "a day is YYYY-MM-DD inside the range")
			e.Row = i + 1
			l.Add(e)
		}
		if e := errs.CheckText("name", "review.holiday.name", "name", h.Name, 32, true); e != nil {
			e.Row = i + 1
			l.Add(e)
		}
	}
	if len(l) > 0 {
		return l
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if !s.KeepsCalendar(a) {
			return errs.New(errs.Forbidden, "review.holiday.forbidden", "the holiday calendar is kept by the office of the top unit")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_holidays WHERE day >= $1 AND day <= $2`, from, to); err != nil {
			return fmt.Errorf("clear holidays: %w", err)
		}
		for _, h := range days {
			kind := "holiday"
			if h.Workday {
				kind = "workday"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_holidays (day, kind, name) VALUES ($1, $2, $3)`, h.Day, kind, h.Name); err != nil {
				return fmt.Errorf("save holiday: %w", err)
			}
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "review.holidays", ObjectType: "calendar", ObjectID: from + "/" + to,
			UnitPath: audit.GlobalPath, After: map[string]any{"from": from, "to": to, "days": days}})
	})
}

// KeepsCalendar reports whether a may keep the holiday calendar, which
// serves every jurisdiction: the system, or an office granted on a top unit
// (a path of one id).
func (s *Service) KeepsCalendar(a *auth.Actor) bool {
	sc := s.pol.Scope(a, auth.ActServiceDecide)
	if sc.All {
		return true
	}
	for _, p := range sc.Subtrees {
		if len(pathIDs(p)) == 1 {
			return true
		}
	}
	return false
}
