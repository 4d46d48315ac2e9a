package cycle

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/scheme"
)

// Dashboard is what the cycle dashboard shows: the stage, collection
// completeness, what blocks the next stage, the scoring runs and the stage
// history.
type Dashboard struct {
	Cycle *Cycle
	// Completeness is counted before the scoring stage only
	// (CompletenessKnown).
	Completeness      Completeness
	CompletenessKnown bool
	Blockers          []Blocker
	// Snapshots are the runs, newest first (for the office only).
	Snapshots []*Snapshot
	History   []StageMove
	// Manage, Approve: what the actor may do.
	Manage, Approve bool
	// Version is the scheme version the cycle is scored with; FoldName
	// names the leaf that receives the folded parts' totals.
	Version  scheme.Choice
	FoldName string
	// Evaluations are the titles of the cycle's evaluations, in
	// Cycle.EvaluationIDs order.
	Evaluations []string
	// Gaps are the leaves that some entities had no input for in the
	// latest scoring run (for the office only).
	Gaps []Gap
	// Unruled are the findings of the latest scoring run that the scheme
	// version has no rule for, by category and severity: they counted
	// nothing (for the office only).
	Unruled []Unruled
}

// Gap is a leaf of the scheme without an input for some of a scoring
// run's entities: its weight went to the leaf's siblings for them (or its
// missing-value rule filled it in).
type Gap struct {
	Indicator, Name string
	Missing, Of     int
}

// Dashboard returns the dashboard of cycle id; the actor needs
// ActCycleRead.
func (s *Service) Dashboard(ctx context.Context, a *auth.Actor, id int64) (*Dashboard, error) {
	out := &Dashboard{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id)
		if err != nil {
			return err
		}
		out.Cycle = c
		out.Manage = s.mayReview(a, c)
		out.Approve = s.pol.Authorize(a, auth.ActResultApprove, c.OwnerPath) == nil
		// Completeness matters while data come in; from scoring on, the
		// snapshot is what counts. The counts are kept per cycle and item
		// (cycle_item_values), so reading them is cheap at any scale.
		if out.CompletenessKnown = stageIndex(c.Stage) < stageIndex(Scoring); out.CompletenessKnown {
			if out.Completeness, err = s.completeness(ctx, tx, c); err != nil {
				return err
			}
		}
		var known *Completeness
		if out.CompletenessKnown {
			known = &out.Completeness
		}
		if out.Blockers, err = s.blockers(ctx, tx, c, known); err != nil {
			return err
		}
		if out.Version, err = s.src.Schemes.Choice(ctx, tx, c.SchemeVersionID); err != nil {
			return err
		}
		if c.FoldIndicator != "" {
			doc, _, _, err := s.versionOf(ctx, tx, c.SchemeVersionID)
			if err != nil {
				return err
			}
			out.FoldName = c.FoldIndicator
			for _, ind := range doc.Indicators {
				if ind.Code == c.FoldIndicator && ind.Name != "" {
					out.FoldName = ind.Name
				}
			}
		}
		if len(c.EvaluationIDs) > 0 && s.src.Ratings != nil {
			titles, err := s.src.Ratings.Titles(ctx, tx, c.EvaluationIDs)
			if err != nil {
				return err
			}
			for _, e := range c.EvaluationIDs {
				out.Evaluations = append(out.Evaluations, titles[e])
			}
		}
		if out.Manage {
			if out.Snapshots, err = listSnapshots(ctx, tx, id); err != nil {
				return err
			}
			if len(out.Snapshots) > 0 {
				latest, err := getSnapshot(ctx, tx, id, out.Snapshots[0].ID)
				if err != nil {
					return err
				}
				out.Gaps = latest.Header.gaps(latest.Entities)
				out.Unruled = latest.Header.Unruled
			}
		}
		out.History, err = stageLog(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// stageIndex is the position of s in Stages.
func stageIndex(s Stage) int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return len(Stages)
}
