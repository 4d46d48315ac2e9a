package score

import (
	"cmp"
	"fmt"
	"slices"
)

// extras computes bonus, deduction and veto items for every entity: the
// lines of the explanation, capped points per node and in total, veto
// flags, and e.extra (bonus − deduction) per row.
func (e *engine) extras(rowOf map[string]int, bonus, deduction []float64) error {
	t, in := e.t, e.in
	n := len(in.Entities)
	vals := make([][]float64, len(t.nodes))
	for j, c := range in.Values.Cols {
		node := t.index[c]
		if k := t.nodes[node].kind; k == KindBonus || k == KindDeduction || k == KindVeto {
			col := in.Values.Col(j)
			for r, v := range col {
				if !isNaN(v) && (!finite(v) || (k != KindVeto && v < 0)) {
					return &Error{Path: fmt.Sprintf("values[%d]", r), Indicator: c, Field: "value",
						Msg: fmt.Sprintf("entity %q: points must be a non-negative number, got %g", in.Entities[r].ID, v)}
				}
			}
			vals[node] = col
		}
	}
	type fref struct{ row, node, idx int }
	refs := make([]fref, 0, len(in.Findings))
	for k, f := range in.Findings {
		path := fmt.Sprintf("findings[%d]", k)
		r, ok := rowOf[f.Entity]
		if !ok {
			return &Error{Path: path, Field: "entity", Msg: fmt.Sprintf("unknown entity %q", f.Entity)}
		}
		node, ok := t.index[f.Indicator]
		if !ok {
			return &Error{Path: path, Indicator: f.Indicator, Field: "indicator", Msg: "unknown indicator"}
		}
		if k := t.nodes[node].kind; k != KindBonus && k != KindDeduction && k != KindVeto {
			return &Error{Path: path, Indicator: f.Indicator, Field: "indicator", Msg: fmt.Sprintf("findings apply to bonus, deduction and veto items, not a %s", k)}
		}
		if !finite(f.Points) || f.Points < 0 {
			return &Error{Path: path, Indicator: f.Indicator, Field: "points", Msg: fmt.Sprintf("must be a non-negative number, got %g", f.Points)}
		}
		switch f.Status {
		case "", Active, Exempted, Voided:
		default:
			return &Error{Path: path, Indicator: f.Indicator, Field: "status", Msg: fmt.Sprintf("unknown status %q (want active, exempted or voided)", f.Status)}
		}
		refs = append(refs, fref{r, node, k})
	}
	slices.SortFunc(refs, func(a, b fref) int {
		fa, fb := &in.Findings[a.idx], &in.Findings[b.idx]
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.node, b.node), cmp.Compare(fa.ID, fb.ID),
			cmp.Compare(fa.Status, fb.Status), cmp.Compare(fa.Points, fb.Points), cmp.Compare(fa.Note, fb.Note))
	})
	if len(t.extras) == 0 {
		return nil
	}
	var top []int
	for _, i := range t.extras {
		p := t.nodes[i].parent
		if p < 0 || t.nodes[p].kind != t.nodes[i].kind {
			top = append(top, i)
		}
	}
	var lines []Line
	fi := 0
	var points func(r, node int) float64
	points = func(r, node int) float64 {
		nd := &t.nodes[node]
		sign := 1.0
		if nd.kind == KindDeduction {
			sign = -1
		}
		sum := 0.0
		veto := false
		if col := vals[node]; col != nil && !isNaN(col[r]) && col[r] != 0 {
			v := col[r]
			if nd.kind == KindVeto {
				veto = true
				lines = append(lines, Line{Row: r, Indicator: nd.code, Kind: LineVeto, Points: v})
			} else {
				sum += v
				lines = append(lines, Line{Row: r, Indicator: nd.code, Kind: LineValue, Points: v, Effect: sign * v})
			}
		}
		for k := fi; k < len(refs) && refs[k].row == r; k++ {
			if refs[k].node != node {
				continue
			}
			f := &in.Findings[refs[k].idx]
			status := f.Status
			if status == "" {
				status = Active
			}
			l := Line{Row: r, Indicator: nd.code, Kind: LineFinding, Finding: f.ID, Status: status, Note: f.Note, Points: f.Points}
			if status == Active {
				if nd.kind == KindVeto {
					veto = true
				} else {
					sum += f.Points
					l.Effect = sign * f.Points
				}
			}
			lines = append(lines, l)
		}
		for _, c := range nd.children {
			if t.nodes[c].kind == nd.kind {
				sum += points(r, c)
			}
		}
		if nd.ind.Cap > 0 && sum > nd.ind.Cap {
			cut := sum - nd.ind.Cap
			lines = append(lines, Line{Row: r, Indicator: nd.code, Kind: LineCap, Points: cut, Effect: -sign * cut, Cap: nd.ind.Cap})
			sum = nd.ind.Cap
		}
		if nd.kind == KindVeto {
			sum = 0
			if veto {
				sum = 1
				e.flags[r] |= fVeto
			}
		}
		e.out.Scores.Col(node)[r] = sum
		return sum
	}
	s := in.Scheme
	for r := 0; r < n; r++ {
		for fi < len(refs) && refs[fi].row < r {
			fi++
		}
		var b, d float64
		for _, i := range top {
			p := points(r, i)
			switch t.nodes[i].kind {
			case KindBonus:
				b += p
			case KindDeduction:
				d += p
			}
		}
		if s.BonusCap > 0 && b > s.BonusCap {
			lines = append(lines, Line{Row: r, Kind: LineCap, Points: b - s.BonusCap, Effect: -(b - s.BonusCap), Cap: s.BonusCap})
			b = s.BonusCap
		}
		if s.DeductionCap > 0 && d > s.DeductionCap {
			lines = append(lines, Line{Row: r, Kind: LineCap, Points: d - s.DeductionCap, Effect: d - s.DeductionCap, Cap: s.DeductionCap})
			d = s.DeductionCap
		}
		bonus[r], deduction[r] = b, d
		e.extra[r] = b - d
	}
	// Order: row, then scheme order of the indicator (scheme-level caps
	// last), then value, veto and finding lines before the node's cap line.
	order := func(l *Line) int {
		if l.Indicator == "" {
			return len(t.nodes)
		}
		return t.index[l.Indicator]
	}
	kindRank := map[LineKind]int{LineValue: 0, LineVeto: 0, LineFinding: 1, LineCap: 2}
	slices.SortStableFunc(lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(order(&a), order(&b)),
			cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]))
	})
	e.out.Lines = lines
	return nil
}
