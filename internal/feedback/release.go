package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// MaxRecommendations is the most recommendations a report holds.
const MaxRecommendations = 20

// SetRecommendations replaces the recommendations of draft report id: the
// 考核组 and the office edit the rule-generated drafts before release. Each
// is 1 to 500 characters; blank lines are dropped. The actor needs
// ActFeedbackDraft.
func (s *Service) SetRecommendations(ctx context.Context, a *auth.Actor, id int64, recs []string) (*Report, error) {
	var clean []string
	for _, r := range recs {
		if r = strings.TrimSpace(r); r != "" {
			clean = append(clean, r)
		}
	}
	if len(clean) > MaxRecommendations {
		e := invalid("recommendations", "feedback.recommendations_too_many", "too many recommendations")
		e.Args = map[string]any{"max": MaxRecommendations}
		return nil, e
	}
	for i, r := range clean {
		if utf8.RuneCountInString(r) > 500 {
			e := invalid("recommendations", "feedback.recommendation_too_long", "a recommendation is longer than 500 characters")
			e.Args = map[string]any{"row": i + 1}
			return nil, e
		}
	}
	var out *Report
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackDraft, r.UnitPath); err != nil {
			return err
		}
		if r.Status != Draft {
			return conflict("feedback.not_draft", "the report is released and can no longer be edited")
		}
		body, _ := json.Marshal(clean)
		if clean == nil {
			body = []byte("[]")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_reports SET recommendations = $1 WHERE id = $2`, string(body), id); err != nil {
			return fmt.Errorf("save recommendations: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "feedback.recommend", ObjectType: "feedback_report", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, Before: map[string]any{"recommendations": r.Recommendations},
			After: map[string]any{"recommendations": clean}}); err != nil {
			return err
		}
		out, err = getReport(ctx, tx, id)
		return err
	})
	return out, err
}

// Release releases draft report id to its owner, who is told in the
// inbox. It needs at least one recommendation; the actor needs
// ActFeedbackRelease.
func (s *Service) Release(ctx context.Context, a *auth.Actor, id int64) (*Report, error) {
	var out *Report
	var sent []*Notification
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackRelease, r.UnitPath); err != nil {
			return err
		}
		if r.Status != Draft {
			return conflict("feedback.already_released", "the report is already released")
		}
		if len(r.Recommendations) == 0 {
			return invalid("recommendations", "feedback.no_recommendations", "write the recommendations before releasing the report")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_reports SET status = $1, released_at = $2, released_by = $3 WHERE id = $4`,
			Released, tx.Now.UnixMicro(), a.AuditName(), id); err != nil {
			return fmt.Errorf("release report: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "feedback.release", ObjectType: "feedback_report", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, Before: map[string]any{"status": r.Status}, After: map[string]any{"status": Released, "doc_no": r.DocNo}}); err != nil {
			return err
		}
		users, err := ownerUsers(ctx, tx, r)
		if err != nil {
			return err
		}
		if sent, err = notify(ctx, tx, users, KindReportReleased, map[string]any{"name": r.Name, "cycle": r.Content.CycleName, "doc_no": r.DocNo},
			reportLink(id)); err != nil {
			return err
		}
		out, err = getReport(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.send(ctx, sent)
	return out, nil
}

// Receive records that the owner of released report id signed for it
// (签收). Only the owner signs, once.
func (s *Service) Receive(ctx context.Context, a *auth.Actor, id int64) (*Report, error) {
	var out *Report
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.authorize(a, r.appealAction(), r); err != nil {
			return err
		}
		switch r.Status {
		case Draft:
			return notFound("report")
		case Received:
			return conflict("feedback.already_received", "the report is already signed for")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_reports SET status = $1, received_at = $2, received_by = $3 WHERE id = $4`,
			Received, tx.Now.UnixMicro(), a.AuditName(), id); err != nil {
			return fmt.Errorf("sign for report: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "feedback.receive", ObjectType: "feedback_report", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, Before: map[string]any{"status": r.Status}, After: map[string]any{"status": Received}}); err != nil {
			return err
		}
		out, err = getReport(ctx, tx, id)
		return err
	})
	return out, err
}

// ownerUsers are the users told about report r: the cadre's sign-ins, or
// the cadres granted on the team's unit.
func ownerUsers(ctx context.Context, tx *db.Tx, r *Report) ([]int64, error) {
	if r.Team() {
		return auth.UsersWithRole(ctx, tx, auth.RoleCadre, []int64{r.UnitID})
	}
	return auth.UsersOfPerson(ctx, tx, r.PersonID)
}

func reportLink(id int64) string { return "/feedback/" + db.FormatID(id) }
