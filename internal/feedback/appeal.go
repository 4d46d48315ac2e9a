package feedback

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
)

// AppealKind is what an appeal says is wrong.
type AppealKind string

// The kinds of appeals.
const (
	AppealValue       AppealKind = "value"       // a data value
	AppealFinding     AppealKind = "finding"     // a finding counted
	AppealRating      AppealKind = "rating"      // a rating (测评)
	AppealCalculation AppealKind = "calculation" // the calculation
)

// AppealKinds lists the kinds in the order the interface shows them.
var AppealKinds = []AppealKind{AppealValue, AppealFinding, AppealRating, AppealCalculation}

// AppealStatus is where an appeal is.
type AppealStatus string

// The appeal statuses.
const (
	AppealPending   AppealStatus = "pending"   // awaiting the office's answer
	AppealUpheld    AppealStatus = "upheld"    // 维持: the result stands
	AppealCorrected AppealStatus = "corrected" // 更正: a new snapshot version
)

// Appeal is an appeal (申诉/复核) against a released report's result.
type Appeal struct {
	ID, ReportID int64
	Appellant    string
	Kind         AppealKind
	// Subject is the indicator the appeal names (value, rating,
	// calculation) or the finding as the appellant names it; Claimed what
	// the appellant says is right; Reason why.
	Subject, Claimed, Reason string
	// FileName is the evidence file's name, "" for none.
	FileName string
	Status   AppealStatus
	// Answer is the office's recorded decision; AnsweredBy who, AnsweredAt
	// when; RevisionID the snapshot version a correction produced.
	Answer, AnsweredBy string
	AnsweredAt         time.Time
	RevisionID         int64
	CreatedAt          time.Time
}

// AppealForm is an appeal as filed.
type AppealForm struct {
	Kind                     AppealKind
	Subject, Claimed, Reason string
	FileName                 string
	File                     []byte
}

// Answer is the office's decision on an appeal.
type Answer struct {
	// Correct is 更正; false is 维持.
	Correct bool
	// Text is the decision's reasoning, recorded and shown to the
	// appellant.
	Text string
	// Value is the corrected value of a value appeal ("" for a correction
	// made at its owner — a finding voided, a rating recounted — before
	// the answer rescores).
	Value string
}

const appealCols = `id, report_id, appellant, kind, subject, claimed, reason, file_name, status, answer, answered_by, answered_at,
	revision_id, created_at`

func scanAppeal(row interface{ Scan(...any) error }) (*Appeal, error) {
	var x Appeal
	var answered, created int64
	if err := row.Scan(&x.ID, &x.ReportID, &x.Appellant, &x.Kind, &x.Subject, &x.Claimed, &x.Reason, &x.FileName, &x.Status,
		&x.Answer, &x.AnsweredBy, &answered, &x.RevisionID, &created); err != nil {
		return nil, err
	}
	if answered != 0 {
		x.AnsweredAt = db.Micros(answered)
	}
	x.CreatedAt = db.Micros(created)
	return &x, nil
}

// appealWindow returns the end of the appeal window of r's cycle: its
// first publication plus the configured days.
func (s *Service) appealWindow(ctx context.Context, tx *db.Tx, r *Report) (time.Time, error) {
	at, err := cycle.PublishedAt(ctx, tx, r.CycleID)
	if err != nil || at.IsZero() {
		return time.Time{}, err
	}
	return at.AddDate(0, 0, s.appealDays), nil
}

// File files an appeal against released report reportID by its owner:
// within the window after the cycle's publication, against the current
// snapshot version, naming an indicator of the report (a finding
// otherwise), with what is claimed, why and optional evidence. Refused
// with a reason: outside the window, on an unpublished cycle, by anyone
// but the owner.
func (s *Service) File(ctx context.Context, a *auth.Actor, reportID int64, f AppealForm) (*Appeal, error) {
	f.Subject, f.Claimed, f.Reason = strings.TrimSpace(f.Subject), strings.TrimSpace(f.Claimed), strings.TrimSpace(f.Reason)
	if !slices.Contains(AppealKinds, f.Kind) {
		return nil, invalid("kind", "feedback.appeal.kind_invalid", "choose what the appeal is about")
	}
	for _, c := range []struct {
		field, v string
		max      int
	}{{"subject", f.Subject, 200}, {"claimed", f.Claimed, 500}, {"reason", f.Reason, 2000}} {
		if e := errs.CheckText(c.field, "feedback.appeal."+c.field, c.field, c.v, c.max, true); e != nil {
			return nil, e
		}
	}
	var ctype string
	if len(f.File) > 0 || f.FileName != "" {
		var e *errs.Error
		if ctype, e = collect.CheckUpload("file", "feedback.evidence.", f.FileName, f.File); e != nil {
			return nil, e
		}
	}
	var out *Appeal
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, reportID)
		if err != nil {
			return err
		}
		if err := s.authorize(a, r.appealAction(), r); err != nil {
			return err
		}
		c, err := cycle.Get(ctx, tx, r.CycleID)
		if err != nil {
			return err
		}
		if c.PublishedSnapshotID == 0 || r.Status == Draft {
			return conflict("feedback.appeal.not_published", "the result is not published: there is nothing to appeal yet")
		}
		if c.PublishedSnapshotID != r.SnapshotID {
			return conflict("feedback.appeal.superseded", "the result was corrected since: appeal against the current version")
		}
		until, err := s.appealWindow(ctx, tx, r)
		if err != nil {
			return err
		}
		if tx.Now.After(until) {
			e := conflict("feedback.appeal.window_closed", "the appeal window has closed")
			e.Args = map[string]any{"days": s.appealDays, "until": day(until)}
			return e
		}
		if f.Kind != AppealFinding {
			if err := s.checkIndicator(ctx, tx, c, f.Subject); err != nil {
				return err
			}
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO appeals (`+appealCols+`, appellant_id, content_type, content)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '', 0, 0, $10, $11, $12, $13)`, id, reportID, a.AuditName(), f.Kind, f.Subject,
			f.Claimed, f.Reason, strings.TrimSpace(f.FileName), AppealPending, tx.Now.UnixMicro(), a.UserID, ctype,
			base64.StdEncoding.EncodeToString(f.File)); err != nil {
			return fmt.Errorf("insert appeal: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "appeal.file", ObjectType: "appeal", ObjectID: db.FormatID(id), UnitPath: r.UnitPath,
			After: map[string]any{"report_id": reportID, "kind": f.Kind, "subject": f.Subject, "claimed": f.Claimed,
				"file": strings.TrimSpace(f.FileName)}, Reason: f.Reason}); err != nil {
			return err
		}
		out, err = getAppeal(ctx, tx, id)
		return err
	})
	return out, err
}

// checkIndicator checks that code is a leaf of c's scheme version.
func (s *Service) checkIndicator(ctx context.Context, tx *db.Tx, c *cycle.Cycle, code string) error {
	_, err := leafItem(ctx, tx, c, code)
	return err
}

// leafItem returns the data item of leaf code of c's scheme version.
func leafItem(ctx context.Context, tx *db.Tx, c *cycle.Cycle, code string) (string, error) {
	doc, _, _, err := scheme.VersionDocument(ctx, tx, c.SchemeVersionID)
	if err != nil {
		return "", err
	}
	leaves, err := scheme.Leaves(ctx, tx, doc)
	if err != nil {
		return "", err
	}
	for _, l := range leaves {
		if l.Code == code {
			return l.Item, nil
		}
	}
	e := invalid("subject", "feedback.appeal.subject_unknown", "the indicator is not one of the scheme's")
	e.Args = map[string]any{"code": code}
	return "", e
}

func getAppeal(ctx context.Context, tx *db.Tx, id int64) (*Appeal, error) {
	x, err := scanAppeal(tx.QueryRowContext(ctx, `SELECT `+appealCols+` FROM appeals WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("appeal")
	}
	if err != nil {
		return nil, fmt.Errorf("read appeal: %w", err)
	}
	return x, nil
}

// AnswerAppeal records the office's decision on pending appeal id. 维持
// leaves the result; 更正 corrects a value appeal's value through collect
// (Value, for the cycle's period) and, for every kind, rescores the cycle
// into a new snapshot version published in place of the old
// (cycle.Service.Revise), all in one transaction. The appellant is told.
// The actor needs ActFeedbackRelease and, to correct, ActResultApprove.
func (s *Service) AnswerAppeal(ctx context.Context, a *auth.Actor, id int64, ans Answer) (*Appeal, *cycle.Revision, error) {
	ans.Text, ans.Value = strings.TrimSpace(ans.Text), strings.TrimSpace(ans.Value)
	if e := errs.CheckText("answer", "feedback.appeal.answer", "answer", ans.Text, 2000, true); e != nil {
		return nil, nil, e
	}
	var out *Appeal
	var rev *cycle.Revision
	var sent []*Notification
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := getAppeal(ctx, tx, id)
		if err != nil {
			return err
		}
		r, err := s.readable(ctx, tx, a, x.ReportID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackRelease, r.UnitPath); err != nil {
			return err
		}
		if x.Status != AppealPending {
			return conflict("feedback.appeal.answered", "the appeal is already answered")
		}
		status := AppealUpheld
		after := map[string]any{"answer": ans.Text}
		if ans.Correct {
			status = AppealCorrected
			c, err := cycle.Get(ctx, tx, r.CycleID)
			if err != nil {
				return err
			}
			if x.Kind == AppealValue && ans.Value != "" {
				item, err := leafItem(ctx, tx, c, x.Subject)
				if err != nil {
					return err
				}
				entity := r.PersonID
				if r.Team() {
					entity = r.UnitID
				}
				// The correction goes through collect's path for every
				// correction; ActValueCorrect is the team's, so the
				// platform makes it on the office's answer, which this
				// event records with the office's name (decision 0152).
				got, err := s.collect.Correct(ctx, tx, auth.SystemActor("appeal"), collect.Correction{EntityID: entity, Item: item,
					Period: c.Period, Value: ans.Value, Reason: "申诉更正（" + a.AuditName() + "）：" + ans.Text})
				if err != nil {
					return err
				}
				after["item"], after["previous"], after["value"] = item, got.Previous, got.Value
			}
			if rev, err = s.cycles.Revise(ctx, tx, a, r.CycleID, "申诉更正："+ans.Text); err != nil {
				return err
			}
			after["revision_id"], after["snapshot_number"], after["changed"] = rev.ID, rev.ToNumber, len(rev.Changes)
		}
		var revID int64
		if rev != nil {
			revID = rev.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appeals SET status = $1, answer = $2, answered_by = $3, answered_at = $4, revision_id = $5
			WHERE id = $6`, status, ans.Text, a.AuditName(), tx.Now.UnixMicro(), revID, id); err != nil {
			return fmt.Errorf("answer appeal: %w", err)
		}
		after["status"] = status
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "appeal.answer", ObjectType: "appeal", ObjectID: db.FormatID(id), UnitPath: r.UnitPath,
			Before: map[string]any{"status": x.Status}, After: after, Reason: ans.Text}); err != nil {
			return err
		}
		var appellant int64
		if err := tx.QueryRowContext(ctx, `SELECT appellant_id FROM appeals WHERE id = $1`, id).Scan(&appellant); err != nil {
			return err
		}
		if sent, err = notify(ctx, tx, []int64{appellant}, KindAppealAnswered, map[string]any{"name": r.Name, "subject": x.Subject,
			"decision": string(status)}, reportLink(r.ID)+"#appeal-"+db.FormatID(id)); err != nil {
			return err
		}
		out, err = getAppeal(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.send(ctx, sent)
	return out, rev, nil
}

// AppealFile returns the evidence of appeal id: name, type and content.
func (s *Service) AppealFile(ctx context.Context, a *auth.Actor, id int64) (string, string, []byte, error) {
	var name, ctype, content string
	err := s.db.View(ctx, func(tx *db.Tx) error {
		x, err := getAppeal(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.readable(ctx, tx, a, x.ReportID); err != nil {
			return err
		}
		if x.FileName == "" {
			return notFound("file")
		}
		return tx.QueryRowContext(ctx, `SELECT file_name, content_type, content FROM appeals WHERE id = $1`, id).Scan(&name, &ctype, &content)
	})
	if err != nil {
		return "", "", nil, err
	}
	data, err := base64.StdEncoding.DecodeString(content)
	return name, ctype, data, err
}
