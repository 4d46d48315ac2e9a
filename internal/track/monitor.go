package track

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
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

// Monitor puts a key indicator of a unit on a target trajectory for a
// year. The indicator is a monthly or quarterly data item reported year to
// date (1–N月累计); each check compares its latest value with the value
// the trajectory expects by that period.
type Monitor struct {
	ID     int64
	UnitID int64
	// Unit names the unit, Item the item with its measure (loaded).
	Unit, Item string
	ItemCode   string
	Year       int
	Method     Method
	// Target is the value the indicator reaches by the year's end.
	Target float64
	// Profile is the seasonal profile (Seasonal): the share of last year's
	// total reached by each period.
	Profile []float64
	// Light, Period, Value, Expected and Gap are those of the last check;
	// Value, Expected and Gap are 0 when Light is LightNone.
	Light                  Light
	Period                 string
	Value, Expected, Gap   float64
	CheckedAt              time.Time
	unitPath               string
	alertID                int64 // the open alert, 0 for none
	alertLight             Light
	changed, opened, close bool
}

// MonitorDraft is a monitor as the office sets it.
type MonitorDraft struct {
	UnitID   int64
	ItemCode string
	Year     int
	Method   Method
	// Target is the year's target as written.
	Target string
}

// SetMonitor puts d's indicator of d's unit on its trajectory for the year,
// replacing the unit's earlier trajectory of it, and checks it at once.
// The actor needs ActMonitorWrite on the unit; the item must be a monthly
// or quarterly item the unit reports; a seasonal trajectory needs every
// value of last year. Bad input writes nothing.
func (s *Service) SetMonitor(ctx context.Context, a *auth.Actor, d MonitorDraft) (*Monitor, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	d.ItemCode, d.Target = strings.TrimSpace(d.ItemCode), strings.TrimSpace(d.Target)
	var l errs.List
	if d.UnitID == 0 {
		l.Add(errs.Field("unit", "track.unit_required", "choose the unit"))
	}
	if d.ItemCode == "" {
		l.Add(errs.Field("item", "track.item_required", "choose the data item the target is measured by"))
	}
	if d.Year < 2000 || d.Year > 2100 {
		l.Add(errs.Field("year", "track.year_invalid", "the year is a year from 2000 to 2100"))
	}
	if !d.Method.Valid() {
		l.Add(errs.Field("method", "track.method_invalid", "choose a linear or a seasonal trajectory"))
	}
	target, err := strconv.ParseFloat(d.Target, 64)
	if err != nil || math.IsNaN(target) || math.IsInf(target, 0) || target <= 0 {
		e := errs.Field("target", "track.monitor_target_invalid", fmt.Sprintf("%q is not a positive number", d.Target))
		e.Args = map[string]any{"value": d.Target}
		l.Add(e)
	}
	if len(l) > 0 {
		return nil, l
	}
	var out *Monitor
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := org.GetUnit(ctx, tx, d.UnitID)
		if err != nil {
			return fieldNotFound(err, "unit")
		}
		if err := s.pol.Authorize(a, auth.ActMonitorWrite, u.Path); err != nil {
			return err
		}
		it, err := collect.ItemOf(ctx, tx, d.ItemCode)
		if err != nil {
			return fieldNotFound(err, "item")
		}
		if it.Frequency == collect.Annual {
			e := errs.Field("item", "track.monitor_annual", it.Name+" is collected once a year: it has no trajectory")
			e.Args = map[string]any{"item": it.Name}
			return e
		}
		if !reports(it, u) || it.EntityKind != collect.EntityUnit {
			e := errs.Field("item", "track.item_not_reported", fmt.Sprintf("%s is not reported for %s", it.Name, u.Name))
			e.Args = map[string]any{"item": it.Name, "unit": u.Name}
			return e
		}
		m := &Monitor{ID: db.NewID(), UnitID: u.ID, Unit: u.Name, Item: it.Label(), ItemCode: it.Code, Year: d.Year, Method: d.Method,
			Target: target, Light: LightNone, unitPath: u.Path}
		if d.Method == Seasonal {
			last := map[string]float64{}
			if err := collect.UnitValuesOfYear(ctx, tx, it.Code, int64(d.Year-1), u.ID, func(p string, v float64) { last[p] = v }); err != nil {
				return err
			}
			n := 12
			if it.Frequency == collect.Quarterly {
				n = 4
			}
			if m.Profile, err = profileOf(last, d.Year-1, n); err != nil {
				e := errs.Field("method", "track.monitor_no_profile", fmt.Sprintf("%s has no full year of values for %d: %v", u.Name, d.Year-1, err))
				e.Args = map[string]any{"year": d.Year - 1}
				return e
			}
		}
		prof, err := json.Marshal(m.Profile)
		if err != nil {
			return err
		}
		var before map[string]any
		var old int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM monitors WHERE unit_id = $1 AND item_code = $2 AND year = $3`, u.ID, it.Code,
			d.Year).Scan(&old)
		switch {
		case err == nil:
			m.ID = old
			before = map[string]any{"replaced": true}
			if _, err := tx.ExecContext(ctx, `UPDATE monitors SET method = $1, target = $2, profile = $3 WHERE id = $4`, m.Method, target,
				string(prof), old); err != nil {
				return fmt.Errorf("set monitor: %w", err)
			}
		case err == sql.ErrNoRows:
			if _, err := tx.ExecContext(ctx, `INSERT INTO monitors (id, unit_id, item_code, year, method, target, profile, status, period,
				value, expected, gap, created_by, created_at, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', NULL, NULL, NULL, $9, $10, 0)`,
				m.ID, u.ID, it.Code, d.Year, m.Method, target, string(prof), m.Light, a.UserID, tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("set monitor: %w", err)
			}
		default:
			return fmt.Errorf("set monitor: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "monitor.set", ObjectType: "monitor", ObjectID: db.FormatID(m.ID),
			UnitPath: u.Path, Before: before, After: map[string]any{"unit_id": db.FormatID(u.ID), "item": it.Code, "year": d.Year,
				"method": m.Method, "target": target}}); err != nil {
			return err
		}
		if err := checkItem(ctx, tx, it.Code, d.Year, map[int64]bool{u.ID: true}); err != nil {
			return err
		}
		out, err = getMonitor(ctx, tx, m.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Check compares every monitor of year in the actor's scope with the
// latest values of its indicator and returns how many changed: what the
// office runs after corrections, which do not re-check by themselves. The
// actor needs ActMonitorWrite.
func (s *Service) Check(ctx context.Context, a *auth.Actor, year int) (int, error) {
	if err := signedIn(a); err != nil {
		return 0, err
	}
	sc := s.pol.Scope(a, auth.ActMonitorWrite)
	if sc.Empty() {
		return 0, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: monitor.write")
	}
	n := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var args []any
		cond := org.UnitInScopeSQL("m.unit_id", sc, &args)
		var items []string
		err := db.EachRow(ctx, tx, `SELECT DISTINCT m.item_code FROM monitors m WHERE m.year = `+db.Arg(&args, year)+` AND `+cond+
			` ORDER BY m.item_code`, args, func(scan func(...any) error) error {
			var c string
			if err := scan(&c); err != nil {
				return err
			}
			items = append(items, c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list monitored items: %w", err)
		}
		for _, it := range items {
			c, err := checkItemCounting(ctx, tx, it, year, nil, sc)
			if err != nil {
				return err
			}
			n += c
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "monitor.check", ObjectType: "monitor", ObjectID: strconv.Itoa(year),
			UnitPath: scopePath(sc, a), After: map[string]any{"year": year, "changed": n}})
	})
	return n, err
}

// scopePath is the unit path an event about a whole scope is recorded
// under: the actor's first subtree.
func scopePath(sc auth.Scope, a *auth.Actor) string {
	if len(sc.Subtrees) > 0 {
		return sc.Subtrees[0]
	}
	if len(a.Grants) > 0 {
		return a.Grants[0].UnitPath
	}
	return audit.GlobalPath
}

// FirstValues re-checks the monitors of the units whose first values of a
// monitored item a submission writes, in the submission's transaction: so
// that each new value is compared with its trajectory as it arrives. It is
// a collect.FirstValuesListener, which the server wires.
func (s *Service) FirstValues(ctx context.Context, tx *db.Tx, fvs []collect.FirstValues) error {
	type key struct {
		item string
		year int
	}
	units := map[key]map[int64]bool{}
	var keys []key
	for _, fv := range fvs {
		if fv.Kind != collect.EntityUnit || len(fv.Period) < 5 {
			continue
		}
		y, err := strconv.Atoi(fv.Period[:4])
		if err != nil {
			continue
		}
		k := key{fv.Item, y}
		if units[k] == nil {
			units[k] = map[int64]bool{}
			keys = append(keys, k)
		}
		for _, id := range fv.EntityIDs {
			units[k][id] = true
		}
	}
	for _, k := range keys {
		if err := checkItem(ctx, tx, k.item, k.year, units[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkItem checks the monitors of item in year, of the units of only (all
// when nil).
func checkItem(ctx context.Context, tx *db.Tx, item string, year int, only map[int64]bool) error {
	_, err := checkItemCounting(ctx, tx, item, year, only, auth.Scope{All: true})
	return err
}

// checkItemCounting checks the monitors of item in year in scope sc, of
// the units of only (all when nil), against the latest values of the
// item, opening, worsening and closing their alerts; it returns how many
// monitors changed.
func checkItemCounting(ctx context.Context, tx *db.Tx, item string, year int, only map[int64]bool, sc auth.Scope) (int, error) {
	ms, err := monitorsOf(ctx, tx, item, year, sc)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	byUnit := make(map[int64]*Monitor, len(ms))
	for _, m := range ms {
		if only == nil || only[m.UnitID] {
			byUnit[m.UnitID] = m
		}
	}
	if len(byUnit) == 0 {
		return 0, nil
	}
	var latest string
	values := make(map[int64]float64, len(byUnit))
	if len(byUnit) == 1 {
		// One unit: its own latest value, whatever the others reported.
		for id := range byUnit {
			if err := collect.UnitValuesOfYear(ctx, tx, item, int64(year), id, func(p string, v float64) { latest, values[id] = p, v }); err != nil {
				return 0, err
			}
		}
	} else if latest, err = collect.LatestUnitValues(ctx, tx, item, int64(year), func(id int64, v float64) {
		if byUnit[id] != nil {
			values[id] = v
		}
	}); err != nil {
		return 0, err
	}
	k, n, ok := periodIndex(latest)
	if !ok {
		return 0, nil
	}
	var changed []*Monitor
	for id, v := range values {
		m := byUnit[id]
		want := expected(m.Method, m.Target, m.Profile, k, n)
		light, gap := judge(v, want)
		if m.Light == light && m.Period == latest && m.Value == v && m.Expected == want {
			continue
		}
		m.Light, m.Period, m.Value, m.Expected, m.Gap, m.changed = light, latest, v, want, gap, true
		switch {
		case light.lagging() && m.alertID == 0:
			m.opened = true
		case !light.lagging() && m.alertID != 0:
			m.close = true
		}
		changed = append(changed, m)
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i].ID < changed[j].ID })
	return len(changed), writeChecks(ctx, tx, changed)
}

// writeChunk is how many rows one statement of writeChecks writes.
const writeChunk = 200

// writeChecks stores the checks of ms and their alerts: after a bulk
// import every monitor of an item changes, so rows are written in chunks.
func writeChecks(ctx context.Context, tx *db.Tx, ms []*Monitor) error {
	now := tx.Now.UnixMicro()
	var opened []*Monitor
	var checks, alerts [][]any
	for _, m := range ms {
		checks = append(checks, []any{m.ID, string(m.Light), m.Period, m.Value, m.Expected, m.Gap, now})
		switch {
		case m.opened:
			opened = append(opened, m)
		case m.alertID != 0:
			// An open alert follows its monitor: closed when it recovers,
			// else at its worst light with the latest values.
			st, closed, by := m.alertLight, int64(0), ""
			if m.Light.worse(st) {
				st = m.Light
			}
			if m.close {
				closed, by = now, "recovered"
			}
			alerts = append(alerts, []any{m.alertID, string(st), m.Period, m.Value, m.Expected, m.Gap, closed, by})
		}
	}
	if err := update(ctx, tx, "monitors", []string{"status", "period", "value", "expected", "gap", "checked_at"}, checks); err != nil {
		return fmt.Errorf("store checks: %w", err)
	}
	for start := 0; start < len(opened); start += writeChunk {
		var args []any
		var rows []string
		for _, m := range opened[start:min(start+writeChunk, len(opened))] {
			rows = append(rows, "("+db.Arg(&args, db.NewID())+", "+db.Arg(&args, m.ID)+", "+db.Arg(&args, string(m.Light))+", "+
				db.Arg(&args, m.Period)+", "+db.Arg(&args, m.Value)+", "+db.Arg(&args, m.Expected)+", "+db.Arg(&args, m.Gap)+", "+
				db.Arg(&args, now)+", 0, '', '', 0)")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_alerts (id, monitor_id, status, period, value, expected, gap, opened_at,
			closed_at, closed_by, explanation, closer_id) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return fmt.Errorf("open alerts: %w", err)
		}
	}
	if err := update(ctx, tx, "monitor_alerts", []string{"status", "period", "value", "expected", "gap", "closed_at", "closed_by"}, alerts); err != nil {
		return fmt.Errorf("store alerts: %w", err)
	}
	return nil
}

// columnTypes are the SQL types of the columns update writes, for the
// casts PostgreSQL needs in a VALUES list.
var columnTypes = map[string]string{"value": "DOUBLE PRECISION", "expected": "DOUBLE PRECISION", "gap": "DOUBLE PRECISION",
	"closed_at": "BIGINT", "checked_at": "BIGINT", "status": "TEXT", "period": "TEXT", "closed_by": "TEXT"}

// update sets cols of the rows of table whose id is each row's first
// value to the row's other values: on PostgreSQL a chunk of rows per
// statement joined to a VALUES list, on SQLite one prepared statement run
// per row, which its planner serves by the primary key.
func update(ctx context.Context, tx *db.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var set []string
	if tx.Engine != db.Postgres {
		for i, c := range cols {
			set = append(set, fmt.Sprintf("%s = $%d", c, i+2))
		}
		stmt, err := tx.PrepareContext(ctx, `UPDATE `+table+` SET `+strings.Join(set, ", ")+` WHERE id = $1`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range cols {
		set = append(set, c+" = v."+c)
	}
	for start := 0; start < len(rows); start += writeChunk {
		var args []any
		var values []string
		for _, r := range rows[start:min(start+writeChunk, len(rows))] {
			vs := []string{"CAST(" + db.Arg(&args, r[0]) + " AS BIGINT)"}
			for i, c := range cols {
				vs = append(vs, "CAST("+db.Arg(&args, r[i+1])+" AS "+columnTypes[c]+")")
			}
			values = append(values, "("+strings.Join(vs, ", ")+")")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+strings.Join(set, ", ")+` FROM (VALUES `+strings.Join(values, ", ")+
			`) AS v (id, `+strings.Join(cols, ", ")+`) WHERE `+table+`.id = v.id`, args...); err != nil {
			return err
		}
	}
	return nil
}

const monitorCols = `m.id, m.unit_id, m.item_code, m.year, m.method, m.target, m.profile, m.status, m.period, m.value, m.expected,
	m.gap, m.checked_at, COALESCE(a.id, 0), COALESCE(a.status, '')`

const monitorFrom = ` FROM monitors m LEFT JOIN monitor_alerts a ON a.monitor_id = m.id AND a.closed_at = 0`

func scanMonitor(scan func(...any) error) (*Monitor, error) {
	m := &Monitor{}
	var prof string
	var v, e, g sql.NullFloat64
	var checked int64
	if err := scan(&m.ID, &m.UnitID, &m.ItemCode, &m.Year, &m.Method, &m.Target, &prof, &m.Light, &m.Period, &v, &e, &g, &checked,
		&m.alertID, &m.alertLight); err != nil {
		return nil, err
	}
	m.Value, m.Expected, m.Gap, m.CheckedAt = v.Float64, e.Float64, g.Float64, db.Micros(checked)
	if err := json.Unmarshal([]byte(prof), &m.Profile); err != nil {
		return nil, err
	}
	return m, nil
}

// monitorsOf reads the monitors of item in year in scope sc.
func monitorsOf(ctx context.Context, tx *db.Tx, item string, year int, sc auth.Scope) ([]*Monitor, error) {
	args := []any{item, year}
	var out []*Monitor
	err := db.EachRow(ctx, tx, `SELECT `+monitorCols+monitorFrom+` WHERE m.item_code = $1 AND m.year = $2 AND `+
		org.UnitInScopeSQL("m.unit_id", sc, &args), args, func(scan func(...any) error) error {
		m, err := scanMonitor(scan)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read monitors: %w", err)
	}
	return out, nil
}

// getMonitor reads monitor id with its item's name.
func getMonitor(ctx context.Context, tx *db.Tx, id int64) (*Monitor, error) {
	var m *Monitor
	err := db.EachRow(ctx, tx, `SELECT `+monitorCols+monitorFrom+` WHERE m.id = $1`, []any{id}, func(scan func(...any) error) (err error) {
		m, err = scanMonitor(scan)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read monitor: %w", err)
	}
	if m == nil {
		return nil, errs.NoSuch("monitor")
	}
	return m, nameMonitors(ctx, tx, []*Monitor{m})
}

// nameMonitors fills the names of the monitors' units and items.
func nameMonitors(ctx context.Context, tx *db.Tx, ms []*Monitor) error {
	var codes []string
	var ids []int64
	for _, m := range ms {
		codes, ids = append(codes, m.ItemCode), append(ids, m.UnitID)
	}
	if len(codes) == 0 {
		return nil
	}
	names, err := collect.ItemNames(ctx, tx, slices.Compact(slices.Sorted(slices.Values(codes))))
	if err != nil {
		return err
	}
	us, err := org.UnitsByID(ctx, tx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return err
	}
	for _, m := range ms {
		m.Item = names[m.ItemCode]
		if u := us[m.UnitID]; u != nil {
			m.Unit, m.unitPath = u.Name, u.Path
		}
	}
	return nil
}
