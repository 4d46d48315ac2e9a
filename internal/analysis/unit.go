package analysis

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// UnitLine is one indicator of a unit's comparison: its values over the
// span beside the peer group's distribution (Row.Boxes) in each cycle.
type UnitLine struct {
	Row       Row
	Values    []Value
	Providers []string
}

// UnitComparison is one unit against its peer group — the units of the
// same category in the jurisdiction — and against itself over the span.
type UnitComparison struct {
	Report *Report
	Unit   UnitRef
	// Lines follow the report's rows, weakest indicator first.
	Lines []UnitLine
}

// Unit compares unit unitID with its peer group in the analysis f.
// NotFound when the span assesses no such unit in the jurisdiction and
// category.
func (s *Service) Unit(ctx context.Context, a *auth.Actor, f Filter, unitID int64) (*UnitComparison, error) {
	var out *UnitComparison
	err := s.db.View(ctx, func(tx *db.Tx) error {
		l, err := s.load(ctx, tx, a, f)
		if err != nil {
			return err
		}
		u, ok := l.unitIndex[unitID]
		if !ok {
			return errs.NoSuch("unit")
		}
		rep := l.report(s.minCell)
		uc := &UnitComparison{Report: rep, Unit: l.units[u]}
		index := map[string]int{}
		for i, ind := range l.indicators {
			index[ind.Code] = i
		}
		for _, row := range rep.Rows {
			i := index[row.Indicator.Code]
			line := UnitLine{Row: row}
			for c := range l.m.Cycles {
				line.Values = append(line.Values, l.value(c, i, u))
			}
			if line.Providers, err = providers(ctx, tx, row.Indicator.Items); err != nil {
				return err
			}
			uc.Lines = append(uc.Lines, line)
		}
		out = uc
		return nil
	})
	return out, err
}
