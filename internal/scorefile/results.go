package scorefile

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"kaohe/internal/score"
)

// resultsHeader is the fixed start of the results file; the score of each
// top-level dimension follows, then base, bonus, deduction and flags.
var resultsHeader = []string{"entity", "group", "total", "rank", "grade", "rank_p05", "rank_p50", "rank_p95"}

// Dimensions returns the codes of the scheme's top-level dimensions: the
// nodes without a parent that are aggregated into the composite (not
// bonus, deduction or veto items), in scheme order.
func Dimensions(s *score.Scheme) []string {
	k := kinds(s)
	var dims []string
	for _, ind := range s.Indicators {
		if ind.Parent != "" {
			continue
		}
		switch k[ind.Code] {
		case score.KindBonus, score.KindDeduction, score.KindVeto:
			continue
		}
		dims = append(dims, ind.Code)
	}
	return dims
}

// WriteResults writes one line per entity, in input order: entity, group,
// total, rank, grade, the 5th, 50th and 95th percentile ranks, the score
// of each top-level dimension (one column per dimension code), then the
// base before points, the bonus and deduction points and the flags
// (separated by ";"). Numbers are in the shortest form that reads back to
// the same float64; a missing score is an empty field.
func WriteResults(w io.Writer, s *score.Scheme, out *score.Output) error {
	dims := Dimensions(s)
	cols := make([]int, len(dims))
	for i, d := range dims {
		cols[i] = out.Scores.ColIndex(d)
		if cols[i] < 0 {
			return fmt.Errorf("write results: output has no score for dimension %q", d)
		}
	}
	header := append(slices.Clone(resultsHeader), dims...)
	header = append(header, "base", "bonus", "deduction", "flags")
	c := &csvWriter{}
	c.record(header...)
	if err := c.flushTo(w); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	err := writeRows(w, len(out.Entities), 4096, func(c *csvWriter, lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &out.Entities[i]
			c.str(r.ID)
			c.str(r.Group)
			c.num(r.Total)
			c.int(r.Rank)
			c.str(r.Grade)
			c.int(r.RankP05)
			c.int(r.RankP50)
			c.int(r.RankP95)
			for _, j := range cols {
				c.num(out.Scores.At(i, j))
			}
			c.num(r.Base)
			c.num(r.Bonus)
			c.num(r.Deduction)
			c.str(strings.Join(r.Flags, ";"))
			c.end()
		}
	})
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
