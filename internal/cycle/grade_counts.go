package cycle

import (
	"context"
	"fmt"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// GradeCounts is how a cycle's results fall into grades, per comparison
// group: the grades after calibration, as the ranking shows them.
type GradeCounts struct {
	Cycle     *Cycle
	Published bool
	// Grades are the grades counted, best first: the scheme's bands, then
	// the label of the ungraded (不定等次) and any other grade a result
	// holds. A band no result holds is counted 0; results without a grade
	// (a scheme without bands) are counted in their group's N only.
	Grades []string
	// Groups are the comparison groups that hold a result the actor may
	// read, in the snapshot's order.
	Groups []GroupGrades
}

// GroupGrades is one comparison group's count of results per grade.
type GroupGrades struct {
	Group string
	// N is the number of the group's results the actor may read.
	N int
	// Counts are per grade, in the order of GradeCounts.Grades.
	Counts []int
}

// GradeCounts counts the results of cycle id per comparison group and
// grade, over the entities whose results the actor may read, in the
// snapshot the actor sees (the published one, or for the office before
// publication the one under review).
func (s *Service) GradeCounts(ctx context.Context, a *auth.Actor, id int64) (*GradeCounts, error) {
	var out *GradeCounts
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = &GradeCounts{Cycle: c, Published: sn.ID == c.PublishedSnapshotID}
		args := []any{sn.ID, c.ID}
		where := `r.snapshot_id = $1`
		if !s.fullScope(a, c) {
			where += ` AND ` + s.entityScope(a, &args)
		}
		type cell struct{ group, grade string }
		counts := map[cell]int{}
		err = db.EachRow(ctx, tx, `SELECT x.grp, x.grade, count(*) FROM (SELECT r.grp AS grp, `+gradeSQL+` AS grade
			FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity WHERE `+where+`) x
			GROUP BY x.grp, x.grade`, args, func(scan func(...any) error) error {
			var k cell
			var n int
			if err := scan(&k.group, &k.grade, &n); err != nil {
				return err
			}
			counts[k] += n
			return nil
		})
		if err != nil {
			return fmt.Errorf("count grades: %w", err)
		}
		held := map[string]bool{}
		for k := range counts {
			held[k.grade] = true
		}
		out.Grades = gradeOrder(sn.Header.Grading, held)
		for _, g := range sn.Header.Groups {
			gg := GroupGrades{Group: g.Group, Counts: make([]int, len(out.Grades))}
			for k, grade := range out.Grades {
				gg.Counts[k] = counts[cell{g.Group, grade}]
			}
			for k, n := range counts {
				if k.group == g.Group {
					gg.N += n
				}
			}
			if gg.N > 0 {
				out.Groups = append(out.Groups, gg)
			}
		}
		return nil
	})
	return out, err
}

// gradeOrder lists grades best first: the bands of g, then of the grades
// in held the ungraded label and the others in byte order. The empty grade
// (no bands) is left out.
func gradeOrder(g score.Grading, held map[string]bool) []string {
	var out []string
	for _, b := range g.Bands {
		out = append(out, b.Grade)
	}
	noGrade := g.NoGrade
	if noGrade == "" {
		noGrade = score.DefaultNoGrade
	}
	if held[noGrade] && !slices.Contains(out, noGrade) {
		out = append(out, noGrade)
	}
	var rest []string
	for grade := range held {
		if grade != "" && !slices.Contains(out, grade) {
			rest = append(rest, grade)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}
