package scheme

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
	"kaohe/internal/score"
)

// CorrelationThreshold is the |r| from which two indicators are reported
// as candidates to merge.
const CorrelationThreshold = 0.9

// DuplicateThreshold is the |r| from which two data items are reported as
// the same data: they move together exactly, as one measure in two units
// (万元 and 亿元) does.
const DuplicateThreshold = 0.999

// minCorrelationUnits is the fewest units with values of both series for
// a correlation or a duplicate to be reported.
const minCorrelationUnits = 5

// observation is what a value is of: a unit in a period.
type observation struct {
	unit   int64
	period string
}

// series are values by observation.
type series map[observation]float64

// correlations reads the current values of the data items behind the
// quantitative indicators of the active schemes for the units in scope,
// of every period; computes each indicator per unit and period; and
// reports the indicator pairs that correlate strongly and the data items
// that duplicate each other. Values are only ever compared with values of
// the same unit and period: a quarterly item is never set against an
// annual one. Without a ValueReader it reports that values are not
// available.
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
	needed := map[string]bool{}
	for _, def := range candidates {
		for _, it := range def.Items() {
			needed[it] = true
		}
	}
	if len(needed) < 2 {
		return nil
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
	values := map[string]series{}
	err = s.values.UnitValues(ctx, tx, sortedKeys(needed), ids, func(unit int64, item, period string, value float64) error {
		if values[item] == nil {
			values[item] = series{}
		}
		values[item][observation{unit, period}] = value
		return nil
	})
	if err != nil {
		return fmt.Errorf("streamlining: read values: %w", err)
	}
	rep.Duplicates = duplicates(values)
	indicators := map[string]series{}
	for code, def := range candidates {
		indicators[code] = indicatorSeries(def, values)
	}
	codes := sortedKeys(candidates)
	for i, a := range codes {
		for _, b := range codes[i+1:] {
			al := align(indicators[a], indicators[b])
			if al.Units >= minCorrelationUnits && math.Abs(al.R) >= CorrelationThreshold {
				rep.Correlated = append(rep.Correlated, Pair{A: a, B: b, NameA: candidates[a].Name, NameB: candidates[b].Name, Alignment: al})
			}
		}
	}
	slices.SortStableFunc(rep.Correlated, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(math.Abs(y.R), math.Abs(x.R)), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return nil
}

// indicatorSeries computes an indicator from its data items' values,
// observation by observation: a formula takes the values of one unit and
// period, never one item's value of a period with another's of another.
func indicatorSeries(def *Indicator, values map[string]series) series {
	if def.DataItem != "" {
		return values[def.DataItem]
	}
	f, err := CompileFormula(def.Formula, nil)
	if err != nil {
		return nil
	}
	out := series{}
	for _, it := range f.Vars {
		for o := range values[it] {
			if _, done := out[o]; done {
				continue
			}
			env := map[string]float64{}
			for _, v := range f.Vars {
				if x, ok := values[v][o]; ok {
					env[v] = x
				}
			}
			if x, ok := f.Eval(env); ok {
				out[o] = x
			}
		}
	}
	return out
}

// duplicates returns the data item pairs whose values, over at least
// minCorrelationUnits units, are identical or correlate with |r| ≥
// DuplicateThreshold: identical ones first, then by |r|.
func duplicates(values map[string]series) []Duplicate {
	var out []Duplicate
	items := sortedKeys(values)
	for i, a := range items {
		for _, b := range items[i+1:] {
			al := align(values[a], values[b])
			if al.Units < minCorrelationUnits {
				continue
			}
			same := identical(values[a], values[b])
			if same || math.Abs(al.R) >= DuplicateThreshold {
				out = append(out, Duplicate{A: a, B: b, Identical: same, Alignment: al})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Duplicate) int {
		if x.Identical != y.Identical {
			if x.Identical {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(math.Abs(y.R), math.Abs(x.R)), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out
}

// identical reports whether x and y have the same value (to rounding) at
// every observation both have.
func identical(x, y series) bool {
	for o, a := range x {
		if b, ok := y[o]; ok && math.Abs(a-b) > 1e-9*max(1, math.Abs(a), math.Abs(b)) {
			return false
		}
	}
	return true
}

// align compares x and y over the observations both have: the Pearson
// correlation (NaN when either is constant), their number, the units and
// the periods among them.
func align(x, y series) Alignment {
	var keys []observation
	for o := range x {
		if _, ok := y[o]; ok {
			keys = append(keys, o)
		}
	}
	slices.SortFunc(keys, func(a, b observation) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.period, b.period))
	})
	al := Alignment{R: math.NaN(), N: len(keys)}
	units, periods := map[int64]bool{}, map[string]bool{}
	for _, o := range keys {
		units[o.unit], periods[o.period] = true, true
	}
	al.Units, al.Periods = len(units), sortedKeys(periods)
	if al.N < 2 {
		return al
	}
	var mx, my float64
	for _, k := range keys {
		mx += x[k]
		my += y[k]
	}
	mx /= float64(al.N)
	my /= float64(al.N)
	var sxy, sxx, syy float64
	for _, k := range keys {
		dx, dy := x[k]-mx, y[k]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx > 0 && syy > 0 {
		al.R = sxy / math.Sqrt(sxx*syy)
	}
	return al
}
