package analysis

import (
	"cmp"
	"context"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Value is one unit's value of an indicator in one cycle; Has is false
// when the unit had none.
type Value struct {
	Has             bool
	Raw, Normalised float64
	Weak            bool
}

// UnitValues is one unit's values of an indicator over the span.
type UnitValues struct {
	Unit   UnitRef
	Values []Value
	// WeakCycles counts the cycles the unit was weak in, Cycles those it
	// had a value in.
	WeakCycles, Cycles int
}

// IndicatorDrill is one indicator of a report with every unit's values.
type IndicatorDrill struct {
	Report *Report
	Row    Row
	// Providers names per cycle the department that owns the data item
	// the value was read from, "" for none.
	Providers []string
	// Units are the units with a value, the most often weak first.
	Units []UnitValues
}

// Indicator drills into indicator code of the analysis f: its units and
// their values over the span.
func (s *Service) Indicator(ctx context.Context, a *auth.Actor, f Filter, code string) (*IndicatorDrill, error) {
	var out *IndicatorDrill
	err := s.db.View(ctx, func(tx *db.Tx) error {
		l, err := s.load(ctx, tx, a, f)
		if err != nil {
			return err
		}
		rep := l.report(s.minCell)
		i := slices.IndexFunc(l.indicators, func(ind Indicator) bool { return ind.Code == code })
		if i < 0 {
			return errs.NoSuch("indicator")
		}
		d := &IndicatorDrill{Report: rep}
		for _, row := range rep.Rows {
			if row.Indicator.Code == code {
				d.Row = row
			}
		}
		if d.Providers, err = providers(ctx, tx, l.indicators[i].Items); err != nil {
			return err
		}
		for u, unit := range l.units {
			uv := UnitValues{Unit: unit}
			for c := range l.m.Cycles {
				v := l.value(c, i, u)
				uv.Values = append(uv.Values, v)
				if v.Has {
					uv.Cycles++
				}
				if v.Weak {
					uv.WeakCycles++
				}
			}
			if uv.Cycles > 0 {
				d.Units = append(d.Units, uv)
			}
		}
		last := l.m.Cycles - 1
		slices.SortStableFunc(d.Units, func(x, y UnitValues) int {
			return cmp.Or(cmp.Compare(y.WeakCycles, x.WeakCycles), cmpLatest(x, y, last), cmp.Compare(x.Unit.Name, y.Unit.Name))
		})
		out = d
		return nil
	})
	return out, err
}

// cmpLatest orders units by their latest normalised value, lowest first,
// those without one last.
func cmpLatest(x, y UnitValues, last int) int {
	if last < 0 {
		return 0
	}
	a, b := x.Values[last], y.Values[last]
	switch {
	case a.Has && b.Has:
		return cmp.Compare(a.Normalised, b.Normalised)
	case a.Has:
		return -1
	case b.Has:
		return 1
	}
	return 0
}

// value returns unit u's value of indicator i in cycle c.
func (l *loaded) value(c, i, u int) Value {
	weak, ok := l.m.Weak(c, i, u)
	if !ok {
		return Value{}
	}
	x := l.m.at(c, i, u)
	return Value{Has: true, Raw: l.m.Raw[x], Normalised: l.m.Norm[x], Weak: weak}
}

// providers names the owner department of each of items ("" stays "").
func providers(ctx context.Context, tx *db.Tx, items []string) ([]string, error) {
	owners, err := collect.ItemOwners(ctx, tx, items)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, id := range owners {
		ids = append(ids, id)
	}
	units, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for k, it := range items {
		if u := units[owners[it]]; u != nil {
			out[k] = u.Name
		}
	}
	return out, nil
}
