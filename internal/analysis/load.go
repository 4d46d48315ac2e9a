package analysis

import (
	"cmp"
	"context"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// loaded is a span's published values in a Matrix with what names its
// rows and columns.
type loaded struct {
	jur        UnitRef
	category   string
	categories []string
	available  []CycleRef
	cycles     []CycleRef
	indicators []Indicator
	units      []UnitRef
	unitIndex  map[int64]int
	m          *Matrix
}

// load checks f against a's scope and reads the span's published values.
func (s *Service) load(ctx context.Context, tx *db.Tx, a *auth.Actor, f Filter) (*loaded, error) {
	jur, err := s.jurisdiction(ctx, tx, a, f.UnitID)
	if err != nil {
		return nil, err
	}
	all, err := cycle.PublishedCycles(ctx, tx, auth.Scope{All: true})
	if err != nil {
		return nil, err
	}
	l := &loaded{jur: jur, unitIndex: map[int64]int{}}
	var annual []*cycle.Cycle
	byID := map[int64]*cycle.Cycle{}
	for _, c := range all {
		if c.Subject != cycle.SubjectUnit || !(isUnder(jur.Path, c.OwnerPath) || isUnder(c.OwnerPath, jur.Path)) {
			continue
		}
		byID[c.ID] = c
		l.available = append(l.available, ref(c))
		if c.Kind == cycle.Annual && len(annual) < MaxCycles {
			annual = append(annual, c)
		}
	}
	span := annual
	if len(f.CycleIDs) > 0 {
		if len(f.CycleIDs) > MaxCycles {
			return nil, invalid("cycles", "analysis.cycles_too_many", "too many cycles")
		}
		span = nil
		for _, id := range f.CycleIDs {
			c, ok := byID[id]
			if !ok {
				return nil, invalid("cycles", "analysis.cycle_unknown", "no such published cycle")
			}
			if !slices.Contains(span, c) {
				span = append(span, c)
			}
		}
	}
	slices.SortStableFunc(span, func(x, y *cycle.Cycle) int {
		return cmp.Or(cmp.Compare(x.EndsOn, y.EndsOn), cmp.Compare(x.Period, y.Period), cmp.Compare(x.ID, y.ID))
	})
	sc := auth.Scope{Subtrees: []string{jur.Path}}
	type read struct {
		sn   *cycle.Snapshot
		rows []cycle.LeafValues
		doc  *score.Scheme
	}
	reads := make([]read, len(span))
	cats := map[string]bool{}
	for k, c := range span {
		l.cycles = append(l.cycles, ref(c))
		sn, err := cycle.PublishedSnapshot(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range sn.Header.Groups {
			cats[g.Group] = true
		}
		reads[k].sn = sn
	}
	for c := range cats {
		l.categories = append(l.categories, c)
	}
	slices.Sort(l.categories)
	l.category = f.Category
	if l.category == "" && len(l.categories) > 0 {
		l.category = l.categories[0]
	}
	if l.category != "" && !cats[l.category] && len(span) > 0 {
		return nil, invalid("category", "analysis.category_unknown", "the cycles assess no unit of this category")
	}
	// Indicators: the latest cycle's leaves first, then any only older
	// cycles have.
	index := map[string]int{}
	for k := len(span) - 1; k >= 0; k-- {
		rows, err := cycle.PublishedLeaves(ctx, tx, reads[k].sn, sc, l.category)
		if err != nil {
			return nil, err
		}
		doc, _, _, err := scheme.VersionDocument(ctx, tx, reads[k].sn.SchemeVersionID)
		if err != nil {
			return nil, err
		}
		reads[k].rows, reads[k].doc = rows, doc
		h := reads[k].sn.Header
		for _, code := range h.Leaves {
			if _, ok := index[code]; !ok {
				index[code] = len(l.indicators)
				ind := Indicator{Code: code, Items: make([]string, len(span))}
				if i := slices.Index(h.Nodes, code); i >= 0 {
					ind.Name = h.Names[i]
				}
				for _, n := range doc.Indicators {
					if n.Code == code {
						ind.Measure = n.Unit
					}
				}
				l.indicators = append(l.indicators, ind)
			}
		}
		for _, r := range rows {
			if _, ok := l.unitIndex[r.Entity.UnitID]; !ok {
				l.unitIndex[r.Entity.UnitID] = len(l.units)
				l.units = append(l.units, UnitRef{ID: r.Entity.UnitID, Name: r.Entity.Name, Path: r.Entity.UnitPath})
			}
		}
	}
	m := NewMatrix(len(span), len(l.indicators), len(l.units))
	for k, rd := range reads {
		h := rd.sn.Header
		var med []score.Num
		for _, g := range h.Groups {
			if g.Group == l.category {
				med = g.Q2
			}
		}
		nodes := map[string]score.Indicator{}
		for _, n := range rd.doc.Indicators {
			nodes[n.Code] = n
		}
		for j, code := range h.Leaves {
			i := index[code]
			l.indicators[i].Items[k] = h.ItemOf(code)
			if j < len(med) {
				m.Median[k*m.Indicators+i] = float64(med[j])
			}
			n := nodes[code]
			m.Lower[i] = n.Direction == score.Lower
			if n.Normalise.Method == score.Target && n.Normalise.Target != nil {
				m.Target[k*m.Indicators+i] = *n.Normalise.Target
			}
		}
		for _, r := range rd.rows {
			u := l.unitIndex[r.Entity.UnitID]
			for j, code := range h.Leaves {
				if j < len(r.Normalised) && j < len(r.Raw) {
					x := m.at(k, index[code], u)
					m.Norm[x], m.Raw[x] = float64(r.Normalised[j]), float64(r.Raw[j])
				}
			}
		}
	}
	l.m = m
	return l, nil
}

// jurisdiction returns the unit id, or the actor's own when id is 0, if a
// may read the results of the units of its whole subtree.
func (s *Service) jurisdiction(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (UnitRef, error) {
	if a == nil {
		return UnitRef{}, s.pol.Authorize(a, auth.ActTeamResultRead, "")
	}
	sc := s.pol.Scope(a, auth.ActTeamResultRead)
	if id == 0 {
		for _, g := range a.Grants {
			if auth.ReachOf(g.Role, auth.ActTeamResultRead) == auth.Subtree {
				id = g.UnitID
				break
			}
		}
	}
	switch {
	case id == 0 && sc.All:
		return UnitRef{}, invalid("unit", "analysis.unit_required", "choose a jurisdiction")
	case id == 0 && sc.Empty():
		return UnitRef{}, errs.NoSuch("results")
	case id == 0:
		return UnitRef{}, errs.New(errs.Forbidden, auth.KeyForbidden, "analysis needs results of a whole subtree")
	}
	u, err := org.GetUnit(ctx, tx, id)
	if err != nil {
		return UnitRef{}, err
	}
	if !sc.All && !(auth.Scope{Subtrees: sc.Subtrees}).Contains(u.Path) {
		if err := s.pol.Authorize(a, auth.ActTeamResultRead, u.Path); err != nil && !errs.Is(err, errs.Forbidden) {
			return UnitRef{}, err
		}
		return UnitRef{}, errs.New(errs.Forbidden, auth.KeyForbidden, "analysis needs results of a whole subtree")
	}
	return UnitRef{ID: u.ID, Name: u.Name, Path: u.Path}, nil
}

// isUnder reports whether path lies in the subtree at root.
func isUnder(path, root string) bool { return len(path) >= len(root) && path[:len(root)] == root }

func ref(c *cycle.Cycle) CycleRef { return CycleRef{ID: c.ID, Name: c.Name, Period: c.Period} }

// report turns l into a Report.
func (l *loaded) report(minCell int) *Report {
	r := &Report{Jurisdiction: l.jur, Category: l.category, Categories: l.categories, Available: l.available,
		Cycles: l.cycles, Units: len(l.units), MinCell: minCell}
	for _, st := range Compute(l.m, minCell) {
		r.Rows = append(r.Rows, Row{Indicator: l.indicators[st.Indicator], Stat: st})
	}
	rank(r.Rows)
	return r
}
