package score

import (
	"math"
	"slices"
)

// DefaultNoGrade is the default label for entities that are not graded.
const DefaultNoGrade = "不定等次"

// quotaLimit is the number of entities of a group of size n a quota allows.
func quotaLimit(q Quota, n int) int {
	x := q.Share * float64(n)
	// Guard against 0.2 × 10 = 2.0000000000000004 becoming 3 under ceil.
	x = math.Round(x*1e9) / 1e9
	switch q.Rounding {
	case Round:
		return int(math.Round(x))
	case Ceil:
		return int(math.Ceil(x))
	}
	return int(math.Floor(x))
}

// grade assigns grades within one group. order lists the group's rows
// best first (by tie key, ties in ID order); keys are the rows' tie keys.
//
// Rules, in order:
//  1. An entity carrying a NoGradeFlags flag gets the NoGrade label and
//     takes no quota place.
//  2. The bands give the best grade whose minimum the total reaches (the
//     lowest band if none).
//  3. Blocking rules bar grades; a barred entity moves to the next grade
//     down that is not barred (flag barred).
//  4. Quotas are never exceeded. Entities are taken in rank order, a tie
//     block at a time: if the whole tie block does not fit in what is left
//     of a grade's quota, none of the block gets that grade; they all move
//     down (flag quota). Quotas are counted over the whole group, ungraded
//     entities included in the group size.
func (e *engine) grade(order []int, keys []float64) {
	g := &e.in.Scheme.Grading
	if len(g.Bands) == 0 {
		return
	}
	nb := len(g.Bands)
	limit := make([]int, nb)
	for b := range limit {
		limit[b] = len(order) + 1
	}
	for _, q := range g.Quotas {
		b := slices.IndexFunc(g.Bands, func(x Band) bool { return x.Grade == q.Grade })
		limit[b] = min(limit[b], quotaLimit(q, len(order)))
	}
	used := make([]int, nb)
	noGrade := g.NoGrade
	if noGrade == "" {
		noGrade = DefaultNoGrade
	}
	cand := make([]int, len(order))
	for k := 0; k < len(order); {
		j := k
		for j < len(order) && keys[order[j]] == keys[order[k]] {
			j++
		}
		block := order[k:j]
		for m, r := range block {
			cand[m] = -1
			if e.ungraded(r) {
				e.flags[r] |= fNoGrade
				e.out.Entities[r].Grade = noGrade
				continue
			}
			b := 0
			for b < nb-1 && keys[r] < g.Bands[b].Min {
				b++
			}
			barred := e.barred(r)
			b0 := b
			for b < nb-1 && barred[b] {
				b++
			}
			if b != b0 {
				e.flags[r] |= fBarred
			}
			cand[m] = b
		}
		for b := 0; b < nb; b++ {
			cnt := 0
			for m := range block {
				if cand[m] == b {
					cnt++
				}
			}
			if cnt == 0 {
				continue
			}
			if used[b]+cnt <= limit[b] || b == nb-1 {
				used[b] += cnt
				continue
			}
			for m, r := range block {
				if cand[m] == b {
					e.flags[r] |= fQuota
					nb2 := b + 1
					for nb2 < nb-1 && e.barred(r)[nb2] {
						nb2++
					}
					cand[m] = nb2
				}
			}
		}
		for m, r := range block {
			if cand[m] >= 0 {
				e.out.Entities[r].Grade = g.Bands[cand[m]].Grade
			}
		}
		k = j
	}
}

// ungraded reports whether an entity carries a NoGradeFlags flag.
func (e *engine) ungraded(r int) bool {
	for _, f := range e.in.Scheme.Grading.NoGradeFlags {
		if e.hasFlag(r, f) {
			return true
		}
	}
	return false
}

// hasFlag reports whether row r has the named flag (computed or preset).
func (e *engine) hasFlag(r int, name string) bool {
	for _, f := range flagNames {
		if f.name == name {
			return e.flags[r]&f.bit != 0
		}
	}
	return slices.Contains(e.in.Entities[r].Flags, name)
}

// barred returns, per band, whether a blocking rule bars it for row r.
func (e *engine) barred(r int) []bool {
	g := &e.in.Scheme.Grading
	out := make([]bool, len(g.Bands))
	for _, b := range g.Blocks {
		hit := false
		switch b.When {
		case BlockVeto:
			hit = e.flags[r]&fVeto != 0
		case BlockSanction:
			hit = e.in.Entities[r].Sanction
		case BlockFlag:
			hit = e.hasFlag(r, b.Flag)
		case BlockAbove:
			l := e.t.leafOf[e.t.index[b.Indicator]]
			v := e.out.Raw.Col(l)[r]
			hit = !isNaN(v) && v > b.Above+1e-9
		}
		if !hit {
			continue
		}
		if len(b.Grades) == 0 {
			out[0] = true
		}
		for _, gr := range b.Grades {
			out[slices.IndexFunc(g.Bands, func(x Band) bool { return x.Grade == gr })] = true
		}
	}
	return out
}
