package scheme

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// Indicator is an entry of the indicator library (指标库): defined once,
// placed into schemes by its code. Versions copy its name, unit,
// direction, kind and marks into their documents when they are saved.
type Indicator struct {
	ID int64
	// Code is unique, e.g. "GDP_GROWTH"; letters, digits, '_', '-', '.'.
	Code string
	Name string
	// Unit is the unit of measure, e.g. "%" or "万元".
	Unit string
	// Direction is higher (default) or lower is better.
	Direction score.Direction
	// Kind is quantitative, qualitative, bonus, deduction or veto.
	Kind score.Kind
	// DataItem is the code of the data item whose value the indicator is,
	// or "". A quantitative indicator has a DataItem or a Formula. For a
	// qualitative indicator it names the questionnaire item its ratings
	// are tallied from (e.g. "cadre.overall"), which package cycle reads.
	DataItem string
	// Formula computes the value from data items, in expr, e.g.
	// `(GDP_2 - GDP_1) / GDP_1 * 100`.
	Formula string
	// Key and Leading mark key (关键) and leading (引领性) indicators.
	Key, Leading bool
	Description  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Kinds lists the kinds a library indicator can have.
var Kinds = []score.Kind{score.KindQuantitative, score.KindQualitative, score.KindBonus, score.KindDeduction, score.KindVeto}

// normalise fills defaults.
func (ind *Indicator) normalise() {
	if ind.Direction == "" {
		ind.Direction = score.Higher
	}
	if ind.Kind == "" {
		ind.Kind = score.KindQuantitative
	}
}

// Validate checks the indicator's own fields and the syntax of its
// formula (not whether its data items exist: see Service.SaveIndicator).
func (ind *Indicator) Validate() error {
	return ind.validate(nil)
}

func (ind *Indicator) validate(known func(string) bool) error {
	ind.normalise()
	if !validCode(ind.Code, 32) {
		return errs.Field("code", "scheme.indicator.code_invalid",
			"an indicator code is 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit")
	}
	if e := errs.CheckText("name", "scheme.indicator.name", "name", ind.Name, 64, true); e != nil {
		return e
	}
	if utf8.RuneCountInString(ind.Unit) > 16 {
		return errs.Field("unit", "scheme.indicator.unit_too_long", "unit of measure is longer than 16 characters")
	}
	if ind.Direction != score.Higher && ind.Direction != score.Lower {
		return errs.Field("direction", "scheme.indicator.direction_invalid", fmt.Sprintf("direction %q is not higher or lower", ind.Direction))
	}
	kindOK := false
	for _, k := range Kinds {
		kindOK = kindOK || ind.Kind == k
	}
	if !kindOK {
		return errs.Field("kind", "scheme.indicator.kind_invalid",
			fmt.Sprintf("kind %q is not quantitative, qualitative, bonus, deduction or veto", ind.Kind))
	}
	if ind.DataItem != "" && ind.Formula != "" {
		return errs.Field("formula", "scheme.indicator.item_and_formula", "give a data item or a formula, not both")
	}
	if ind.Kind == score.KindQuantitative && ind.DataItem == "" && ind.Formula == "" {
		return errs.Field("data_item", "scheme.indicator.source_required", "a quantitative indicator needs a data item or a formula")
	}
	if ind.DataItem != "" {
		if !validCode(ind.DataItem, 64) {
			return errs.Field("data_item", "scheme.indicator.item_invalid", fmt.Sprintf("data item code %q is not valid", ind.DataItem))
		}
		// A qualitative indicator's reference names the questionnaire
		// item its ratings come from (package survey), not a data item.
		if known != nil && ind.Kind != score.KindQualitative && !known(ind.DataItem) {
			e := errs.Field("data_item", "scheme.indicator.item_unknown", fmt.Sprintf("unknown data item %q", ind.DataItem))
			e.Args = map[string]any{"item": ind.DataItem}
			return e
		}
	}
	if ind.Formula != "" {
		if _, err := CompileFormula(ind.Formula, known); err != nil {
			e := errs.Field("formula", "scheme.indicator.formula_invalid", fmt.Sprintf("indicator %s: formula: %v", ind.Code, err))
			e.Args = map[string]any{"indicator": ind.Code, "detail": err.Error()}
			return e
		}
	}
	if utf8.RuneCountInString(ind.Description) > 2000 {
		return errs.Field("description", "scheme.indicator.description_too_long", "description is longer than 2000 characters")
	}
	return nil
}

// Items returns the data item codes the indicator reads, sorted.
func (ind *Indicator) Items() []string {
	if ind.Kind == score.KindQualitative {
		return nil // its reference is a questionnaire item
	}
	if ind.DataItem != "" {
		return []string{ind.DataItem}
	}
	if ind.Formula != "" {
		vars, err := formulaVars(ind.Formula)
		if err == nil {
			return vars
		}
	}
	return nil
}

// same reports whether two library definitions agree (ids and times aside).
func (ind *Indicator) same(o *Indicator) bool {
	return ind.Code == o.Code && ind.Name == o.Name && ind.Unit == o.Unit && ind.Direction == o.Direction &&
		ind.Kind == o.Kind && ind.DataItem == o.DataItem && ind.Formula == o.Formula && ind.Key == o.Key &&
		ind.Leading == o.Leading && ind.Description == o.Description
}

func (ind *Indicator) summary() map[string]any {
	return map[string]any{"code": ind.Code, "name": ind.Name, "unit": ind.Unit, "direction": ind.Direction, "kind": ind.Kind,
		"data_item": ind.DataItem, "formula": ind.Formula, "key": ind.Key, "leading": ind.Leading, "description": ind.Description}
}

const indicatorCols = `id, code, name, measure_unit, direction, kind, data_item_code, formula, is_key, is_leading, description, created_at, updated_at`

func scanIndicator(r interface{ Scan(...any) error }) (*Indicator, error) {
	var (
		ind              Indicator
		created, updated int64
	)
	if err := r.Scan(&ind.ID, &ind.Code, &ind.Name, &ind.Unit, &ind.Direction, &ind.Kind, &ind.DataItem, &ind.Formula,
		&ind.Key, &ind.Leading, &ind.Description, &created, &updated); err != nil {
		return nil, err
	}
	ind.CreatedAt, ind.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &ind, nil
}

// library reads the whole indicator library keyed by code.
func library(ctx context.Context, tx *db.Tx) (map[string]*Indicator, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+indicatorCols+` FROM indicators ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read indicator library: %w", err)
	}
	defer rows.Close()
	out := map[string]*Indicator{}
	for rows.Next() {
		ind, err := scanIndicator(rows)
		if err != nil {
			return nil, fmt.Errorf("read indicator library: %w", err)
		}
		out[ind.Code] = ind
	}
	return out, rows.Err()
}

func getIndicator(ctx context.Context, tx *db.Tx, code string) (*Indicator, error) {
	ind, err := scanIndicator(tx.QueryRowContext(ctx, `SELECT `+indicatorCols+` FROM indicators WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("indicator")
	}
	if err != nil {
		return nil, fmt.Errorf("read indicator %q: %w", code, err)
	}
	return ind, nil
}

// writeScopePath is where library changes are recorded in the audit log:
// the outermost subtree the actor may write schemes in.
func (s *Service) writeScopePath(a *auth.Actor) (string, error) {
	if a == nil {
		return "", s.pol.Authorize(a, auth.ActSchemeWrite, "/")
	}
	sc := s.pol.Scope(a, auth.ActSchemeWrite)
	switch {
	case sc.All:
		return audit.GlobalPath, nil
	case len(sc.Subtrees) > 0:
		return sc.Subtrees[0], nil
	}
	if !s.pol.Scope(a, auth.ActSchemeRead).Empty() {
		e := errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActSchemeWrite))
		e.Args = map[string]any{"action": string(auth.ActSchemeWrite)}
		return "", e
	}
	return "", errs.NoSuch("indicator library")
}

// mayReadLibrary: the library is shared; anyone who may read some scheme
// may read it.
func (s *Service) mayReadLibrary(a *auth.Actor) error {
	if a == nil {
		return s.pol.Authorize(a, auth.ActSchemeRead, "/")
	}
	if s.pol.Scope(a, auth.ActSchemeRead).Empty() {
		if len(a.Grants) > 0 {
			// The actor sees units but not schemes: Forbidden, as the
			// policy answers for an object in sight.
			e := errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActSchemeRead))
			e.Args = map[string]any{"action": string(auth.ActSchemeRead)}
			return e
		}
		return errs.NoSuch("indicator library")
	}
	return nil
}

// Indicators lists the indicator library by code.
func (s *Service) Indicators(ctx context.Context, a *auth.Actor) ([]*Indicator, error) {
	if err := s.mayReadLibrary(a); err != nil {
		return nil, err
	}
	var out []*Indicator
	err := s.db.View(ctx, func(tx *db.Tx) error {
		lib, err := library(ctx, tx)
		for _, code := range sortedKeys(lib) {
			out = append(out, lib[code])
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Indicator returns the library indicator with the code.
func (s *Service) Indicator(ctx context.Context, a *auth.Actor, code string) (*Indicator, error) {
	if err := s.mayReadLibrary(a); err != nil {
		return nil, err
	}
	var out *Indicator
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = getIndicator(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SaveIndicator adds the indicator, or replaces the definition of the one
// with the same code. Data items and formula variables must exist in the
// data item catalogue (when an ItemChecker is wired). Stored versions keep the definition they were saved
// with. The actor needs ActSchemeWrite somewhere.
func (s *Service) SaveIndicator(ctx context.Context, a *auth.Actor, ind Indicator) (*Indicator, error) {
	path, err := s.writeScopePath(a)
	if err != nil {
		return nil, err
	}
	if err := ind.Validate(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		known, err := s.knownItems(ctx, tx, &ind)
		if err != nil {
			return err
		}
		if err := ind.validate(known); err != nil {
			return err
		}
		old, err := getIndicator(ctx, tx, ind.Code)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		return saveIndicator(ctx, tx, a, path, &ind, old)
	})
	if err != nil {
		return nil, err
	}
	return &ind, nil
}

// saveIndicator inserts ind (old nil) or updates old with ind's definition,
// and records it.
func saveIndicator(ctx context.Context, tx *db.Tx, a *auth.Actor, path string, ind, old *Indicator) error {
	now := tx.Now.UnixMicro()
	ev := audit.Event{ObjectType: "indicator", UnitPath: path, After: ind.summary()}
	if old == nil {
		ind.ID = db.NewID()
		ind.CreatedAt, ind.UpdatedAt = tx.Now, tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicators (`+indicatorCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			ind.ID, ind.Code, ind.Name, ind.Unit, ind.Direction, ind.Kind, ind.DataItem, ind.Formula, ind.Key, ind.Leading,
			ind.Description, now, now); err != nil {
			return fmt.Errorf("insert indicator: %w", err)
		}
		ev.Action = "indicator.create"
	} else {
		ind.ID, ind.CreatedAt, ind.UpdatedAt = old.ID, old.CreatedAt, tx.Now
		if old.same(ind) {
			ind.UpdatedAt = old.UpdatedAt
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE indicators SET name = $1, measure_unit = $2, direction = $3, kind = $4,
			data_item_code = $5, formula = $6, is_key = $7, is_leading = $8, description = $9, updated_at = $10 WHERE id = $11`,
			ind.Name, ind.Unit, ind.Direction, ind.Kind, ind.DataItem, ind.Formula, ind.Key, ind.Leading, ind.Description,
			now, ind.ID); err != nil {
			return fmt.Errorf("update indicator: %w", err)
		}
		ev.Action, ev.Before = "indicator.update", old.summary()
	}
	ev.ObjectID = db.FormatID(ind.ID)
	return auth.Record(ctx, tx, a, ev)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
