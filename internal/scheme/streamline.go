package scheme

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
	"kaohe/internal/score"
)

// CorrelationThreshold is the |r| from which two indicators are reported
// as candidates to merge.
const CorrelationThreshold = 0.9

// minCorrelationUnits is the fewest units with values of both indicators
// for a correlation to be reported.
const minCorrelationUnits = 5

// Report is the streamlining report (精简考核事项, R1.5): the assessment
// burden per unit across all active scheme versions, data items requested
// more than once, and indicators whose values move together.
type Report struct {
	// Schemes are the active schemes considered, by code.
	Schemes []ReportScheme
	// Units lists each assessed unit in scope, most burdened first.
	Units []UnitLoad
	// Shared lists the data items used by more than one scheme or by more
	// than one indicator.
	Shared []SharedItem
	// Correlated lists indicator pairs with |r| ≥ CorrelationThreshold
	// across units over the latest period, strongest first.
	Correlated []Pair
	// ValuesAvailable is false when the service reads no values (no
	// ValueReader is wired): Correlated is then empty for want of data,
	// not because no indicators correlate.
	ValuesAvailable bool
}

// ReportScheme is an active scheme of the report.
type ReportScheme struct {
	SchemeID, VersionID int64
	Code, Name          string
	Number              int
	Indicators, Items   int
}

// UnitLoad is the burden of one unit.
type UnitLoad struct {
	UnitID              int64
	Code, Name, Path    string
	Category            string
	Schemes             []string
	Indicators, Items   int
	IndicatorCodes      []string
	ItemCodes           []string
	SchemesForTeam      int
	SchemesForPersonnel int
}

// SharedItem is a data item used by several schemes or indicators.
type SharedItem struct {
	Code       string
	Schemes    []string
	Indicators []string
}

// Pair is two indicators whose values correlate strongly.
type Pair struct {
	A, B         string
	NameA, NameB string
	R            float64
	// N is the number of units with values of both.
	N int
	// PeriodA and PeriodB are the periods the values are from.
	PeriodA, PeriodB string
}

// activeScheme is an active version with what the report needs.
type activeScheme struct {
	sc  *Scheme
	v   *Version
	eff *Weights
	// leaves per category ("" for default): indicator codes assessed.
	leaves map[string][]string
}

// Streamline builds the streamlining report over the schemes and units the
// actor may read.
func (s *Service) Streamline(ctx context.Context, a *auth.Actor) (*Report, error) {
	if err := s.mayReadLibrary(a); err != nil {
		return nil, err
	}
	var rep *Report
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		rep, err = s.streamline(ctx, tx, s.pol.Scope(a, auth.ActSchemeRead))
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Service) streamline(ctx context.Context, tx *db.Tx, scope auth.Scope) (*Report, error) {
	schemes, err := listSchemes(ctx, tx, scope)
	if err != nil {
		return nil, err
	}
	lib, err := library(ctx, tx)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	var actives []*activeScheme
	for _, sc := range schemes {
		v, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM scheme_versions
			WHERE scheme_id = $1 AND status = 'active'`, sc.ID))
		if errors.Is(err, sql.ErrNoRows) {
			continue // no active version
		}
		if err != nil {
			return nil, fmt.Errorf("scheme %s: active version: %w", sc.Code, err)
		}
		as := &activeScheme{sc: sc, v: v, leaves: map[string][]string{}}
		if as.eff, err = EffectiveWeights(v.Doc, sc.Categories); err != nil {
			return nil, fmt.Errorf("scheme %s: %w", sc.Code, err)
		}
		parents := parentSet(v.Doc)
		all := map[string]bool{}
		for _, cat := range append([]string{DefaultCategory}, sc.Categories...) {
			for i := range v.Doc.Indicators {
				ind := &v.Doc.Indicators[i]
				if parents[ind.Code] {
					continue
				}
				if scored(kindOf(ind, false)) {
					if e := as.eff.Effective[cat][i]; !(e > 0) && !math.IsNaN(e) {
						continue
					}
				}
				as.leaves[cat] = append(as.leaves[cat], ind.Code)
				all[ind.Code] = true
			}
		}
		items := map[string]bool{}
		for code := range all {
			if def, ok := lib[code]; ok {
				for _, it := range def.Items() {
					items[it] = true
				}
			}
		}
		rep.Schemes = append(rep.Schemes, ReportScheme{SchemeID: sc.ID, VersionID: v.ID, Code: sc.Code, Name: sc.Name,
			Number: v.Number, Indicators: len(all), Items: len(items)})
		actives = append(actives, as)
	}
	if err := unitLoads(ctx, tx, scope, actives, lib, rep); err != nil {
		return nil, err
	}
	sharedItems(actives, lib, rep)
	if err := s.correlations(ctx, tx, scope, actives, lib, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func unitLoads(ctx context.Context, tx *db.Tx, scope auth.Scope, actives []*activeScheme, lib map[string]*Indicator, rep *Report) error {
	type acc struct {
		load       UnitLoad
		indicators map[string]bool
		items      map[string]bool
	}
	units := map[int64]*acc{}
	var order []int64
	codes, err := categoryCodes(ctx, tx)
	if err != nil {
		return err
	}
	for _, as := range actives {
		if len(as.sc.Categories) == 0 {
			continue
		}
		list, err := org.ListUnits(ctx, tx, org.UnitQuery{Scope: &scope, Under: as.sc.OwnerPath, Categories: as.sc.Categories})
		if err != nil {
			return fmt.Errorf("streamlining: units of %s: %w", as.sc.Code, err)
		}
		for _, unit := range list {
			u, ok := units[unit.ID]
			if !ok {
				u = &acc{load: UnitLoad{UnitID: unit.ID, Code: unit.Code, Name: unit.Name, Path: unit.Path,
					Category: codes[unit.CategoryID]}, indicators: map[string]bool{}, items: map[string]bool{}}
				units[unit.ID] = u
				order = append(order, unit.ID)
			}
			u.load.Schemes = append(u.load.Schemes, as.sc.Code)
			if as.sc.Subject == SubjectPerson {
				u.load.SchemesForPersonnel++
			} else {
				u.load.SchemesForTeam++
			}
			for _, code := range as.leaves[u.load.Category] {
				u.indicators[code] = true
				if def, ok := lib[code]; ok {
					for _, it := range def.Items() {
						u.items[it] = true
					}
				}
			}
		}
	}
	for _, id := range order {
		u := units[id]
		u.load.IndicatorCodes, u.load.ItemCodes = sortedKeys(u.indicators), sortedKeys(u.items)
		u.load.Indicators, u.load.Items = len(u.indicators), len(u.items)
		rep.Units = append(rep.Units, u.load)
	}
	slices.SortStableFunc(rep.Units, func(a, b UnitLoad) int {
		return cmp.Or(cmp.Compare(b.Items, a.Items), cmp.Compare(b.Indicators, a.Indicators), cmp.Compare(a.Path, b.Path))
	})
	return nil
}

func sharedItems(actives []*activeScheme, lib map[string]*Indicator, rep *Report) {
	schemes, indicators := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, as := range actives {
		for _, codes := range as.leaves {
			for _, code := range codes {
				def, ok := lib[code]
				if !ok {
					continue
				}
				for _, it := range def.Items() {
					if schemes[it] == nil {
						schemes[it], indicators[it] = map[string]bool{}, map[string]bool{}
					}
					schemes[it][as.sc.Code] = true
					indicators[it][code] = true
				}
			}
		}
	}
	for _, it := range sortedKeys(schemes) {
		if len(schemes[it]) > 1 || len(indicators[it]) > 1 {
			rep.Shared = append(rep.Shared, SharedItem{Code: it, Schemes: sortedKeys(schemes[it]), Indicators: sortedKeys(indicators[it])})
		}
	}
	slices.SortStableFunc(rep.Shared, func(a, b SharedItem) int {
		return cmp.Or(cmp.Compare(len(b.Schemes)+len(b.Indicators), len(a.Schemes)+len(a.Indicators)), cmp.Compare(a.Code, b.Code))
	})
}

// correlations reads the current values of the data items behind the
// quantitative indicators of the active schemes for the units in scope,
// takes each item's latest period, computes each indicator per unit and
// reports strongly correlated pairs. Without a ValueReader it reports
// that values are not available.
func (s *Service) correlations(ctx context.Context, tx *db.Tx, scope auth.Scope, actives []*activeScheme, lib map[string]*Indicator, rep *Report) error {
	if s.values == nil {
		return nil
	}
	rep.ValuesAvailable = true
	candidates := map[string]*Indicator{}
	for _, as := range actives {
		for _, codes := range as.leaves {
			for _, code := range codes {
				if def, ok := lib[code]; ok && def.Kind == score.KindQuantitative && len(def.Items()) > 0 {
					candidates[code] = def
				}
			}
		}
	}
	if len(candidates) < 2 {
		return nil
	}
	needed := map[string]bool{}
	for _, def := range candidates {
		for _, it := range def.Items() {
			needed[it] = true
		}
	}
	inScope, err := org.ListUnits(ctx, tx, org.UnitQuery{Scope: &scope})
	if err != nil {
		return fmt.Errorf("streamlining: units in scope: %w", err)
	}
	if len(inScope) == 0 {
		return nil
	}
	ids := make([]int64, len(inScope))
	for i, u := range inScope {
		ids[i] = u.ID
	}
	type obs struct {
		entity int64
		period string
		value  float64
	}
	byItem := map[string][]obs{}
	latest := map[string]string{}
	err = s.values.UnitValues(ctx, tx, sortedKeys(needed), ids, func(unit int64, item, period string, value float64) error {
		byItem[item] = append(byItem[item], obs{entity: unit, period: period, value: value})
		if period > latest[item] {
			latest[item] = period
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("streamlining: read values: %w", err)
	}
	// item → entity → value at the item's latest period.
	values := map[string]map[int64]float64{}
	for item, list := range byItem {
		values[item] = map[int64]float64{}
		for _, o := range list {
			if o.period == latest[item] {
				values[item][o.entity] = o.value
			}
		}
	}
	// indicator → entity → value.
	series := map[string]map[int64]float64{}
	period := map[string]string{}
	for code, def := range candidates {
		m := map[int64]float64{}
		var items []string
		if def.DataItem != "" {
			items = []string{def.DataItem}
			for e, v := range values[def.DataItem] {
				m[e] = v
			}
		} else if f, err := CompileFormula(def.Formula, nil); err == nil {
			items = f.Vars
			entities := map[int64]bool{}
			for _, it := range f.Vars {
				for e := range values[it] {
					entities[e] = true
				}
			}
			for e := range entities {
				env := map[string]float64{}
				for _, it := range f.Vars {
					if v, ok := values[it][e]; ok {
						env[it] = v
					}
				}
				if v, ok := f.Eval(env); ok {
					m[e] = v
				}
			}
		}
		var ps []string
		for _, it := range items {
			ps = append(ps, latest[it])
		}
		slices.Sort(ps)
		period[code] = strings.Join(slices.Compact(ps), "/")
		series[code] = m
	}
	codes := sortedKeys(candidates)
	for i, a := range codes {
		for _, b := range codes[i+1:] {
			r, n := pearson(series[a], series[b])
			if n >= minCorrelationUnits && math.Abs(r) >= CorrelationThreshold {
				rep.Correlated = append(rep.Correlated, Pair{A: a, B: b, NameA: candidates[a].Name, NameB: candidates[b].Name,
					R: r, N: n, PeriodA: period[a], PeriodB: period[b]})
			}
		}
	}
	slices.SortStableFunc(rep.Correlated, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(math.Abs(y.R), math.Abs(x.R)), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return nil
}

// pearson returns the Pearson correlation of two series over the keys both
// have, and their number; NaN when either is constant.
func pearson(x, y map[int64]float64) (float64, int) {
	var keys []int64
	for k := range x {
		if _, ok := y[k]; ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	n := len(keys)
	if n < 2 {
		return math.NaN(), n
	}
	var mx, my float64
	for _, k := range keys {
		mx += x[k]
		my += y[k]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for _, k := range keys {
		dx, dy := x[k]-mx, y[k]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN(), n
	}
	return sxy / math.Sqrt(sxx*syy), n
}
