package analysis

import (
	"context"
	"math"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// CommonShare is the share of units weak, on average over the span, from
// which an indicator is a common weak link for the policy view.
const CommonShare = 0.5

// WeakLink is a common weak link with the units it affects.
type WeakLink struct {
	Row Row
	// Persistent are the units weak in every cycle they have a value in;
	// Latest those weak in the latest cycle only.
	Persistent, Latest []UnitRef
}

// PolicyView is what the office takes to a meeting: the indicators that
// are persistently weak somewhere or weak for at least CommonShare of the
// units, weakest first, with the units affected.
type PolicyView struct {
	Report *Report
	Links  []WeakLink
}

// Policy lists the common weak links of the analysis f.
func (s *Service) Policy(ctx context.Context, a *auth.Actor, f Filter) (*PolicyView, error) {
	var out *PolicyView
	err := s.db.View(ctx, func(tx *db.Tx) error {
		l, err := s.load(ctx, tx, a, f)
		if err != nil {
			return err
		}
		pv := &PolicyView{Report: l.report(s.minCell)}
		index := map[string]int{}
		for i, ind := range l.indicators {
			index[ind.Code] = i
		}
		last := l.m.Cycles - 1
		for _, row := range pv.Report.Rows {
			common := !math.IsNaN(row.Common) && row.Common >= CommonShare
			if !common && !(row.Persistent > 0 && !math.IsNaN(row.PersistentShare)) {
				continue
			}
			i := index[row.Indicator.Code]
			link := WeakLink{Row: row}
			for u, unit := range l.units {
				var seen, weak int
				for c := range l.m.Cycles {
					v := l.value(c, i, u)
					if v.Has {
						seen++
					}
					if v.Weak {
						weak++
					}
				}
				switch {
				case seen >= 2 && weak == seen:
					link.Persistent = append(link.Persistent, unit)
				case last >= 0 && l.value(last, i, u).Weak:
					link.Latest = append(link.Latest, unit)
				}
			}
			pv.Links = append(pv.Links, link)
		}
		out = pv
		return nil
	})
	return out, err
}
