package score

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Compute scores, ranks and grades the entities of in. It validates the
// scheme and the input first and returns an *Error (or several, joined)
// for bad input. Within each comparison group (Entity.Group) it treats
// outliers, applies the missing-value policies, normalises each leaf to
// 0–100, computes the weights (per category), aggregates up the tree (or
// TOPSIS), adds bonus and subtracts deduction points with their caps, flags
// vetoes, ranks, grades, and, when asked, runs Monte Carlo draws and
// one-at-a-time sensitivity. The result does not depend on the order of
// Entities, Values rows, Ratings or Findings, nor on the number of cores.
func Compute(in *Input) (*Output, error) {
	if in == nil || in.Scheme == nil {
		return nil, errors.New("score: no scheme")
	}
	if err := in.Scheme.Validate(); err != nil {
		return nil, err
	}
	t := compile(in.Scheme)
	n := len(in.Entities)
	rowOf := make(map[string]int, n)
	for r, ent := range in.Entities {
		if ent.ID == "" {
			return nil, &Error{Path: fmt.Sprintf("entities[%d]", r), Field: "id", Msg: "must not be empty"}
		}
		if _, dup := rowOf[ent.ID]; dup {
			return nil, &Error{Path: fmt.Sprintf("entities[%d]", r), Field: "id", Msg: fmt.Sprintf("duplicate entity %q", ent.ID)}
		}
		rowOf[ent.ID] = r
	}
	if err := checkValues(in, t); err != nil {
		return nil, err
	}
	if in.Options.Draws < 0 {
		return nil, &Error{Field: "draws", Msg: "must not be negative"}
	}
	if p := in.Options.Perturb; !finite(p) || p < 0 || p >= 1 {
		return nil, &Error{Field: "perturb", Msg: fmt.Sprintf("must be in [0, 1), got %g", p)}
	}

	out := &Output{Scheme: in.Scheme.Code, Version: in.Scheme.Version, Draws: in.Options.Draws, Seed: in.Options.Seed}
	for _, nd := range t.nodes[:t.root] {
		out.Nodes = append(out.Nodes, nd.code)
		out.Parents = append(out.Parents, nd.ind.Parent)
		out.Kinds = append(out.Kinds, nd.kind)
	}
	for _, node := range t.leaves {
		out.Leaves = append(out.Leaves, t.nodes[node].code)
	}
	out.Raw = NewMatrix(n, out.Leaves)
	out.Normalised = NewMatrix(n, out.Leaves)
	out.Contributions = Matrix{Rows: n, Cols: out.Leaves, Data: make([]float64, n*len(out.Leaves))}
	out.Scores = NewMatrix(n, out.Nodes)
	for j, c := range in.Values.Cols {
		if l := t.leafOf[t.index[c]]; l >= 0 {
			copy(out.Raw.Col(l), in.Values.Col(j))
		}
	}
	e := &engine{in: in, t: t, out: out, flags: make([]uint16, n), base: make([]float64, n), extra: make([]float64, n)}
	groupExcluded := make([]bool, n)
	raw := make([][]float64, len(t.leaves))
	for l := range raw {
		raw[l] = out.Raw.Col(l)
	}
	var err error
	if out.RaterGroups, err = tallyRatings(in, t, rowOf, raw, groupExcluded); err != nil {
		return nil, err
	}
	bonus, deduction := make([]float64, n), make([]float64, n)
	if err := e.extras(rowOf, bonus, deduction); err != nil {
		return nil, err
	}
	for r := range in.Entities {
		if groupExcluded[r] {
			e.flags[r] |= fRaterExcluded
		}
		if in.Entities[r].Sanction {
			e.flags[r] |= fSanction
		}
	}

	groups := makeGroups(in.Entities)
	parallel(len(groups), workers(in.Options.Workers), func(k int) { e.score(groups[k]) })

	out.Entities = make([]Result, n)
	for r, ent := range in.Entities {
		total := e.base[r] + e.extra[r]
		out.Entities[r] = Result{ID: ent.ID, Group: ent.Group, Base: e.base[r], Bonus: bonus[r], Deduction: deduction[r], Total: total}
	}
	keys := make([]float64, n)
	for _, g := range groups {
		order := make([]int, len(g.rows))
		copy(order, g.rows)
		for _, r := range g.rows {
			keys[r] = tieKey(out.Entities[r].Total)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
		for k := 0; k < len(order); {
			j := k
			for j < len(order) && keys[order[j]] == keys[order[k]] {
				out.Entities[order[j]].Rank = k + 1
				j++
			}
			k = j
		}
		e.grade(order, keys)
	}
	for r := range out.Entities {
		res := &out.Entities[r]
		res.RankP05, res.RankP50, res.RankP95 = res.Rank, res.Rank, res.Rank
	}
	if in.Options.Draws > 0 {
		e.monteCarlo(groups)
	}
	if in.Options.Sensitivity {
		e.sensitivity(groups)
	}
	out.Weights = make([]GroupWeights, len(groups))
	for k, g := range groups {
		out.Weights[k] = GroupWeights{Group: g.name, Local: g.local[:t.root], Effective: g.eff[:t.root]}
	}
	for r := range out.Entities {
		out.Entities[r].Flags = e.flagList(r)
	}
	return out, nil
}

// checkValues checks the shape and columns of in.Values.
func checkValues(in *Input, t *tree) error {
	v := &in.Values
	if len(v.Cols) == 0 && len(v.Data) == 0 {
		return nil
	}
	if v.Rows != len(in.Entities) {
		return &Error{Path: "values", Msg: fmt.Sprintf("has %d rows for %d entities", v.Rows, len(in.Entities))}
	}
	if len(v.Data) != v.Rows*len(v.Cols) {
		return &Error{Path: "values", Msg: fmt.Sprintf("has %d numbers, want rows × cols = %d", len(v.Data), v.Rows*len(v.Cols))}
	}
	seen := map[string]bool{}
	for j, c := range v.Cols {
		i, ok := t.index[c]
		switch {
		case !ok:
			return &Error{Path: fmt.Sprintf("values.cols[%d]", j), Indicator: c, Msg: "unknown indicator"}
		case t.nodes[i].kind == KindDimension:
			return &Error{Path: fmt.Sprintf("values.cols[%d]", j), Indicator: c, Msg: "a dimension takes no values; its score comes from its children"}
		case seen[c]:
			return &Error{Path: fmt.Sprintf("values.cols[%d]", j), Indicator: c, Msg: "duplicate column"}
		}
		seen[c] = true
		if t.leafOf[i] >= 0 {
			for r, x := range v.Col(j) {
				if !isNaN(x) && !finite(x) {
					return &Error{Path: fmt.Sprintf("values[%d]", r), Indicator: c, Field: "value",
						Msg: fmt.Sprintf("entity %q: must be a finite number", in.Entities[r].ID)}
				}
			}
		}
	}
	return nil
}

// makeGroups splits the entities into comparison groups, sorted by name,
// members sorted by ID.
func makeGroups(ents []Entity) []*group {
	byName := map[string]*group{}
	for r, ent := range ents {
		g := byName[ent.Group]
		if g == nil {
			g = &group{name: ent.Group}
			byName[ent.Group] = g
		}
		g.rows = append(g.rows, r)
	}
	groups := make([]*group, 0, len(byName))
	for _, name := range sortedKeys(byName) {
		g := byName[name]
		slices.SortFunc(g.rows, func(a, b int) int { return cmp.Compare(ents[a].ID, ents[b].ID) })
		groups = append(groups, g)
	}
	return groups
}

// flagList returns the sorted, unique flags of row r.
func (e *engine) flagList(r int) []string {
	fl := slices.Clone(e.in.Entities[r].Flags)
	for _, f := range flagNames {
		if e.flags[r]&f.bit != 0 {
			fl = append(fl, f.name)
		}
	}
	slices.Sort(fl)
	fl = slices.Compact(fl)
	if fl == nil {
		fl = []string{}
	}
	return fl
}

func workers(n int) int {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return n
}

// parallel runs f(0..n-1) on up to w goroutines.
func parallel(n, w int, f func(k int)) {
	if w > n {
		w = n
	}
	if w <= 1 {
		for k := 0; k < n; k++ {
			f(k)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range w {
		wg.Go(func() {
			for k := range next {
				f(k)
			}
		})
	}
	for k := 0; k < n; k++ {
		next <- k
	}
	close(next)
	wg.Wait()
}
