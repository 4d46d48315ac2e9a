package outcome

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/finding"
	"kaohe/internal/survey"
)

// History is what the rules read of a cadre: annual grades, the findings
// that name her, her sanctions and her democratic evaluations.
type History struct {
	// Grades are the annual grades, oldest first, one per year: a
	// published cycle's over a grade recorded from the paper archive.
	Grades    []GradeRecord
	Findings  []*finding.Finding
	Sanctions []*finding.Sanction
	// Votes are the 不称职 shares of her closed evaluations, newest first.
	Votes []survey.NoConfidence
	// published are her results in every published cycle, of any kind.
	published []cycle.PersonGrade
}

// GradeRecord is one annual grade and where it was read.
type GradeRecord struct {
	Year  int    `json:"year"`
	Grade string `json:"grade"`
	// CycleID, Cycle and SnapshotID name the published cycle and snapshot
	// the grade is read from; Source the paper archive's reference for a
	// recorded grade (CycleID 0).
	CycleID    int64  `json:"cycle_id,omitempty"`
	Cycle      string `json:"cycle,omitempty"`
	SnapshotID int64  `json:"snapshot_id,omitempty"`
	Entity     string `json:"entity,omitempty"`
	Source     string `json:"source,omitempty"`
	// Known is when the grade became known: the cycle's publication or
	// the recording.
	Known time.Time `json:"known"`
}

// loadHistory reads person id's history in tx.
func loadHistory(ctx context.Context, tx *db.Tx, id int64) (*History, error) {
	h := &History{}
	byYear := map[int]GradeRecord{}
	err := db.EachRow(ctx, tx, `SELECT year, grade, source, created_at FROM outcome_grades WHERE person_id = $1`, []any{id},
		func(scan func(...any) error) error {
			var g GradeRecord
			var at int64
			if err := scan(&g.Year, &g.Grade, &g.Source, &at); err != nil {
				return err
			}
			g.Known = db.Micros(at)
			byYear[g.Year] = g
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read recorded grades: %w", err)
	}
	pgs, err := cycle.PersonGrades(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	h.published = pgs
	for _, pg := range pgs {
		y, err := strconv.Atoi(pg.Period)
		if pg.Kind != cycle.Annual || err != nil || len(pg.Period) != 4 || pg.Grade == "" {
			continue
		}
		byYear[y] = GradeRecord{Year: y, Grade: pg.Grade, CycleID: pg.CycleID, Cycle: pg.Cycle, SnapshotID: pg.SnapshotID, Entity: pg.Entity,
			Known: pg.PublishedAt}
	}
	for _, g := range byYear {
		h.Grades = append(h.Grades, g)
	}
	slices.SortFunc(h.Grades, func(x, y GradeRecord) int { return cmp.Compare(x.Year, y.Year) })
	if h.Findings, err = finding.PersonFindings(ctx, tx, id); err != nil {
		return nil, err
	}
	if h.Sanctions, err = finding.PersonSanctions(ctx, tx, id); err != nil {
		return nil, err
	}
	if h.Votes, err = survey.NoConfidenceOf(ctx, tx, id); err != nil {
		return nil, err
	}
	return h, nil
}

// Year is the latest year with a grade; 0 for none.
func (h *History) Year() int {
	if len(h.Grades) == 0 {
		return 0
	}
	return h.Grades[len(h.Grades)-1].Year
}

// Env is what the rules read of the history, for its latest year.
func (h *History) Env() Env {
	e := Env{Year: h.Year(), Grades: map[int]string{}}
	for _, g := range h.Grades {
		e.Grades[g.Year] = g.Grade
	}
	e.Grade = e.Grades[e.Year]
	for _, f := range h.yearFindings(e.Year) {
		e.Findings++
		if f.Severity == finding.SeveritySevere {
			e.SevereFindings++
		}
	}
	e.Sanctioned = len(h.yearSanctions(e.Year)) > 0
	for _, s := range h.Sanctions {
		if s.Kind == finding.KindInvestigation && s.Status == finding.SanctionActive {
			e.Investigated = true
		}
	}
	if v := h.yearVote(e.Year); v != nil {
		e.NoConfidence = v.Share
	}
	return e
}

// yearFindings are the active findings dated in year y.
func (h *History) yearFindings(y int) []*finding.Finding {
	var out []*finding.Finding
	prefix := strconv.Itoa(y) + "-"
	for _, f := range h.Findings {
		if f.Status == finding.Active && strings.HasPrefix(f.FoundOn, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// yearSanctions are the sanctions (not investigations) with effect during
// year y.
func (h *History) yearSanctions(y int) []*finding.Sanction {
	var out []*finding.Sanction
	from, to := fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)
	for _, s := range h.Sanctions {
		if s.Kind == finding.KindInvestigation || s.EffectiveFrom > to {
			continue
		}
		if until := s.Until(); until != "" && until < from {
			continue
		}
		out = append(out, s)
	}
	return out
}

// yearVote is the latest evaluation of year y, nil for none.
func (h *History) yearVote(y int) *survey.NoConfidence {
	for i, v := range h.Votes {
		if v.Period == strconv.Itoa(y) {
			return &h.Votes[i]
		}
	}
	return nil
}
