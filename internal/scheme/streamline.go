package scheme

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

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
	// Correlated lists indicator pairs with |r| ≥ CorrelationThreshold,
	// over the values of the same unit and period, strongest first.
	Correlated []Pair
	// Duplicates lists data items whose values, of the same unit and
	// period, are the same or move together exactly: the same data
	// collected under two codes.
	Duplicates []Duplicate
	// ValuesAvailable is false when the service reads no values (no
	// ValueReader is wired): Correlated and Duplicates are then empty for
	// want of data, not because nothing correlates.
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
	Alignment
}

// Duplicate is two data items that carry the same data: their values are
// Identical, or correlate with |r| ≥ DuplicateThreshold.
type Duplicate struct {
	A, B      string
	Identical bool
	Alignment
}

// Alignment is how two series of values compare over the observations
// both have — the same unit in the same period.
type Alignment struct {
	R float64
	// N counts the observations (unit and period) of both; Units the
	// distinct units among them.
	N, Units int
	// Periods are the periods of those observations, sorted.
	Periods []string
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
