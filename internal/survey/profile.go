package survey

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// SubjectTally is the tally of one closed evaluation for one subject, as a
// profile shows it.
type SubjectTally struct {
	Evaluation *Evaluation
	// Groups are the evaluation's rater groups with their ballots; a group
	// that is not Shown (below the minimum size) has no cells anywhere.
	Groups []GroupResult
	// Subject is the subject's tallies: per shown group and combined with
	// the group weights, as Results computes them.
	Subject SubjectResult
}

// ResultsFor returns the tallies of every closed evaluation that rated the
// leadership team of unit id (kind SubjectTeam) or the cadre person id
// (kind SubjectCadre) and whose tallies a may see, the most recently closed
// first. An actor sees them with ActEvalResults on the organising unit; a
// cadre also sees its own tallies (the Self reach of ActResultRead), not its
// colleagues'. Open evaluations and groups below the minimum size show
// nothing. Evaluations the actor may not see are left out, not reported.
func (s *Service) ResultsFor(ctx context.Context, a *auth.Actor, kind SubjectKind, id int64) ([]SubjectTally, error) {
	if a == nil {
		return nil, s.pol.Authorize(a, auth.ActEvalResults, "")
	}
	col := "unit_id"
	if kind == SubjectCadre {
		col = "person_id"
	}
	var out []SubjectTally
	err := s.db.View(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT e.id, e.closed_at FROM evaluations e
			JOIN evaluation_subjects s ON s.evaluation_id = e.id
			WHERE e.status = $1 AND s.kind = $2 AND s.`+col+` = $3
			ORDER BY e.closed_at DESC, e.id DESC`, StatusClosed, kind, id)
		if err != nil {
			return fmt.Errorf("find evaluations of %s %d: %w", kind, id, err)
		}
		var ids []int64
		for rows.Next() {
			var eid, closed int64
			if err := rows.Scan(&eid, &closed); err != nil {
				rows.Close()
				return fmt.Errorf("find evaluations of %s %d: %w", kind, id, err)
			}
			ids = append(ids, eid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find evaluations of %s %d: %w", kind, id, err)
		}
		for _, eid := range ids {
			e, err := getEvaluation(ctx, tx, eid)
			if err != nil {
				return err
			}
			if !s.mayReadFor(a, e, kind, id) {
				continue
			}
			bs, err := loadBallots(ctx, tx, eid, true)
			if err != nil {
				return err
			}
			all, err := loadBallots(ctx, tx, eid, false)
			if err != nil {
				return err
			}
			r, err := tally(e, bs, all)
			if err != nil {
				return err
			}
			for _, sr := range r.Subjects {
				if sr.Subject.Kind == kind && (kind == SubjectCadre && sr.Subject.PersonID == id || kind != SubjectCadre && sr.Subject.UnitID == id) {
					out = append(out, SubjectTally{Evaluation: e, Groups: r.Groups, Subject: sr})
				}
			}
		}
		return nil
	})
	return out, err
}

// mayReadFor reports whether a may see the tallies of evaluation e about
// the subject kind id: with ActEvalResults on the organising unit, or as
// the cadre itself.
func (s *Service) mayReadFor(a *auth.Actor, e *Evaluation, kind SubjectKind, id int64) bool {
	if s.pol.Authorize(a, auth.ActEvalResults, e.UnitPath) == nil {
		return true
	}
	// No unit paths: only a Self reach (the cadre's own person) covers it.
	return kind == SubjectCadre && s.pol.AuthorizePerson(a, auth.ActResultRead, id, nil) == nil
}
