package score

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// defaultTrimAbove is N in "drop the highest and the lowest score when a
// rater group has more than N raters".
const defaultTrimAbove = 5

// trimmedMean returns the mean of scores (sorted in place); when there are
// more than trimAbove scores (and trimAbove ≥ 0) the single highest and
// single lowest are dropped first.
func trimmedMean(scores []float64, trimAbove int) float64 {
	slices.Sort(scores)
	s := scores
	if trimAbove >= 0 && len(s) > trimAbove && len(s) > 2 {
		s = s[1 : len(s)-1]
	}
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	return sum / float64(len(s))
}

// groupTally is the ratings of one rater group for one entity and
// indicator.
type groupTally struct {
	weight float64   // the group's policy weight
	scores []float64 // raw scores (source scores)
	votes  []float64 // votes per grade, in RatingPolicy.Grades order
}

// size is the number of raters (scores) or votes.
func (g *groupTally) size() float64 {
	if g.scores != nil {
		return float64(len(g.scores))
	}
	n := 0.0
	for _, v := range g.votes {
		n += v
	}
	return n
}

// tallyCell combines the rater groups of one entity and indicator into a
// raw value: each group's value (groupValue) weighted by the group
// weights, re-normalised over the groups that have at least minSize
// raters. It returns NaN when no group qualifies, whether a non-empty
// group was excluded for being too small, and the value and size of each
// group that qualified (NaN size for the others).
func tallyCell(groups []groupTally, spec RatingSpec, pol *RatingPolicy, vals, sizes []float64) (float64, bool) {
	trim := pol.TrimAbove
	if trim == 0 {
		trim = defaultTrimAbove
	}
	var share []bool
	if len(spec.Share) > 0 {
		share = make([]bool, len(pol.Grades))
		for k, g := range pol.Grades {
			share[k] = slices.Contains(spec.Share, g.Grade)
		}
	}
	num, den := 0.0, 0.0
	excluded := false
	for k := range groups {
		g := &groups[k]
		vals[k], sizes[k] = math.NaN(), math.NaN()
		n := g.size()
		if n == 0 {
			continue
		}
		if n < float64(pol.MinGroupSize) {
			excluded = true
			continue
		}
		v := groupValue(g, n, share, trim, pol)
		vals[k], sizes[k] = v, n
		num += g.weight * v
		den += g.weight
	}
	if !(den > 0) {
		return math.NaN(), excluded
	}
	return num / den, excluded
}

// groupValue is one rater group's value: the trimmed mean of its scores,
// the share of its votes for the share grades, or its mean points per
// vote.
func groupValue(g *groupTally, n float64, share []bool, trim int, pol *RatingPolicy) float64 {
	switch {
	case g.scores != nil:
		return trimmedMean(g.scores, trim)
	case share != nil:
		s := 0.0
		for k, c := range g.votes {
			if share[k] {
				s += c
			}
		}
		return s / n
	default:
		s := 0.0
		for k, c := range g.votes {
			s += c * pol.Grades[k].Points
		}
		return s / n
	}
}

// ratingKey orders rating rows by entity row, leaf and rater group.
type ratingKey struct {
	row, leaf, group, grade int
	score                   float64
}

// tallyRatings fills raw[leaf][row] for qualitative leaves that have no
// value, from in.Ratings, marks rows with an excluded rater group, and
// returns the value of each rater group that counted, by entity row,
// leaf and group.
func tallyRatings(in *Input, t *tree, rowOf map[string]int, raw [][]float64, groupExcluded []bool) ([]RaterValue, error) {
	if len(in.Ratings) == 0 {
		return nil, nil
	}
	pol := &in.Scheme.Rating
	groupIdx := map[string]int{}
	var weights []float64
	var codes []string
	if len(pol.Groups) > 0 {
		for k, g := range pol.Groups {
			groupIdx[g.Code] = k
			weights = append(weights, g.Weight)
			codes = append(codes, g.Code)
		}
	} else {
		seen := map[string]bool{}
		for _, r := range in.Ratings {
			seen[r.Group] = true
		}
		codes = sortedKeys(seen)
		for k, c := range codes {
			groupIdx[c] = k
			weights = append(weights, 1)
		}
	}
	gradeIdx := map[string]int{}
	for k, g := range pol.Grades {
		gradeIdx[g.Grade] = k
	}
	keys := make([]ratingKey, len(in.Ratings))
	for k, r := range in.Ratings {
		path := fmt.Sprintf("ratings[%d]", k)
		row, ok := rowOf[r.Entity]
		if !ok {
			return nil, &Error{Path: path, Field: "entity", Msg: fmt.Sprintf("unknown entity %q", r.Entity)}
		}
		j, ok := t.index[r.Indicator]
		if !ok || t.nodes[j].kind != KindQualitative {
			return nil, &Error{Path: path, Indicator: r.Indicator, Field: "indicator", Msg: "not a qualitative indicator of the scheme"}
		}
		g, ok := groupIdx[r.Group]
		if !ok {
			return nil, &Error{Path: path, Field: "group", Msg: fmt.Sprintf("unknown rater group %q", r.Group)}
		}
		votes := t.nodes[j].ind.Rating.Source == FromVotes
		key := ratingKey{row: row, leaf: t.leafOf[j], group: g, grade: -1}
		switch {
		case votes && r.Grade == "":
			return nil, &Error{Path: path, Indicator: r.Indicator, Field: "grade", Msg: "this indicator is tallied from votes: a grade and a count are needed"}
		case votes:
			gi, ok := gradeIdx[r.Grade]
			if !ok {
				return nil, &Error{Path: path, Indicator: r.Indicator, Field: "grade", Msg: fmt.Sprintf("unknown vote grade %q", r.Grade)}
			}
			if r.Count < 0 {
				return nil, &Error{Path: path, Indicator: r.Indicator, Field: "count", Msg: "must not be negative"}
			}
			key.grade, key.score = gi, float64(r.Count)
		case r.Grade != "":
			return nil, &Error{Path: path, Indicator: r.Indicator, Field: "grade", Msg: "this indicator is tallied from scores, not votes"}
		default:
			if !finite(r.Score) {
				return nil, &Error{Path: path, Indicator: r.Indicator, Field: "score", Msg: "must be a finite number"}
			}
			key.score = r.Score
		}
		keys[k] = key
	}
	slices.SortFunc(keys, func(a, b ratingKey) int {
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.leaf, b.leaf), cmp.Compare(a.group, b.group),
			cmp.Compare(a.grade, b.grade), cmp.Compare(a.score, b.score))
	})
	groups := make([]groupTally, len(weights))
	vals, sizes := make([]float64, len(weights)), make([]float64, len(weights))
	var out []RaterValue
	for start := 0; start < len(keys); {
		end := start
		for end < len(keys) && keys[end].row == keys[start].row && keys[end].leaf == keys[start].leaf {
			end++
		}
		row, leaf := keys[start].row, keys[start].leaf
		spec := t.nodes[t.leaves[leaf]].ind.Rating
		for g := range groups {
			groups[g] = groupTally{weight: weights[g]}
		}
		for _, k := range keys[start:end] {
			g := &groups[k.group]
			if k.grade >= 0 {
				if g.votes == nil {
					g.votes = make([]float64, len(pol.Grades))
				}
				g.votes[k.grade] += k.score
			} else {
				g.scores = append(g.scores, k.score)
			}
		}
		if isNaN(raw[leaf][row]) {
			v, excl := tallyCell(groups, spec, pol, vals, sizes)
			raw[leaf][row] = v
			if excl {
				groupExcluded[row] = true
			}
			for g, x := range vals {
				if !isNaN(x) {
					out = append(out, RaterValue{Row: row, Leaf: t.nodes[t.leaves[leaf]].ind.Code, Group: codes[g], Raters: sizes[g], Value: x})
				}
			}
		}
		start = end
	}
	return out, nil
}
