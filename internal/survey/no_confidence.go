package survey

import (
	"context"
	"fmt"
	"math"

	"kaohe/internal/db"
)

// NoConfidence is the share of the worst grade (不称职) a cadre got in a
// closed democratic evaluation on the overall judgement (总体评价), as
// the outcome rules read it.
type NoConfidence struct {
	EvaluationID int64
	Evaluation   string
	// Period is the evaluation's period ('2025').
	Period string
	// Share is the combined share of the worst grade, 0 to 1; Votes the
	// valid answers.
	Share float64
	Votes int
}

// NoConfidenceOf returns the 不称职 shares of person personID in every
// closed evaluation that rated her, in tx, the most recently closed
// first. Groups below the minimum size count nothing, as in every tally.
// It checks no policy: the caller has authorized its own action.
func NoConfidenceOf(ctx context.Context, tx *db.Tx, personID int64) ([]NoConfidence, error) {
	var ids []int64
	err := db.EachRow(ctx, tx, `SELECT DISTINCT e.id, e.closed_at FROM evaluations e
		JOIN evaluation_subjects s ON s.evaluation_id = e.id
		WHERE e.status = $1 AND s.kind = $2 AND s.person_id = $3 ORDER BY e.closed_at DESC, e.id DESC`,
		[]any{StatusClosed, SubjectCadre, personID}, func(scan func(...any) error) error {
			var id, closed int64
			if err := scan(&id, &closed); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find evaluations of person %d: %w", personID, err)
	}
	var out []NoConfidence
	for _, id := range ids {
		e, err := getEvaluation(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		bs, err := loadBallots(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		all, err := loadBallots(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		r, err := tally(e, bs, all)
		if err != nil {
			return nil, err
		}
		for _, sr := range r.Subjects {
			if sr.Subject.Kind != SubjectCadre || sr.Subject.PersonID != personID {
				continue
			}
			for _, it := range sr.Items {
				if !it.Item.Overall || it.Combined.Counts == nil || math.IsNaN(it.Combined.Unfavourable) {
					continue
				}
				out = append(out, NoConfidence{EvaluationID: id, Evaluation: e.Title, Period: e.Period,
					Share: it.Combined.Unfavourable, Votes: it.Combined.Votes})
				break
			}
		}
	}
	return out, nil
}
