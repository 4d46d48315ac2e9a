package finding

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Step is a step of the review of an exemption (容错免责), taken in the
// order of Steps.
type Step string

// The steps.
const (
	StepApplied     Step = "applied"     // 申请: the statement of the cadre or unit
	StepVerified    Step = "verified"    // 核实: the office checked the facts
	StepDeliberated Step = "deliberated" // 集体研究: studied collectively, on a day, by a body
	StepDecided     Step = "decided"     // 决定: exempt or refuse, with the rationale and the checklist
	StepFedBack     Step = "fed_back"    // 反馈: the decision told to the applicant
)

// Steps lists the steps in their order.
var Steps = []Step{StepApplied, StepVerified, StepDeliberated, StepDecided, StepFedBack}

// next is the step after s, "" after the last.
func (s Step) next() Step {
	i := slices.Index(Steps, s)
	if i < 0 || i == len(Steps)-1 {
		return ""
	}
	return Steps[i+1]
}

// Outcome is a decision on an exemption.
type Outcome string

// The outcomes.
const (
	OutcomeExempt Outcome = "exempt" // 予以免责
	OutcomeRefuse Outcome = "refuse" // 不予免责
)

// Criterion is an item of the 三个区分开来 checklist a decision answers.
// The pages take each one's label from the locale files, under
// finding.criterion.
type Criterion string

// The criteria. Each is answered yes or no, with a note.
const (
	// CriterionPublicInterest: acted for the public interest, not for
	// private gain (为公还是谋私).
	CriterionPublicInterest Criterion = "public_interest"
	// CriterionMistake: a mistake, not intent (失误还是故意).
	CriterionMistake Criterion = "mistake"
	// CriterionExploratory: exploratory work that no explicit rule forbade
	// (先行先试，探索性工作未被明令禁止).
	CriterionExploratory Criterion = "exploratory"
	// CriterionRemedied: corrected in time and the loss recovered (及时
	// 纠错、挽回损失).
	CriterionRemedied Criterion = "remedied"
	// CriterionNoGraveHarm: no grave loss and no bad influence (未造成重大
	// 损失或恶劣影响).
	CriterionNoGraveHarm Criterion = "no_grave_harm"
)

// Criteria lists the checklist in the order the interface shows it.
var Criteria = []Criterion{CriterionPublicInterest, CriterionMistake, CriterionExploratory, CriterionRemedied, CriterionNoGraveHarm}

// Valid reports whether c is a known criterion.
func (c Criterion) Valid() bool { return slices.Contains(Criteria, c) }

// Exemption is an application for the exemption of a finding and its
// review.
type Exemption struct {
	ID        int64
	FindingID int64
	// PersonID is the cadre the application is for, 0 for the finding's
	// unit; Person her name (loaded).
	PersonID int64
	Person   string
	// Step is the last step taken; Outcome the decision, "" until then.
	Step    Step
	Outcome Outcome
	// Steps are the steps taken, in order; Checks the decision's answers,
	// in the order of Criteria (empty before the decision).
	Steps     []StepRecord
	Checks    []Check
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports whether the review is still under way.
func (e *Exemption) Open() bool { return e.Step != StepFedBack }

// Next is the step to take next, "" when the review is done.
func (e *Exemption) Next() Step { return e.Step.next() }

// StepRecord is a step as taken.
type StepRecord struct {
	Step Step
	// Note is the statement, the facts verified, the study's conclusion,
	// the rationale or what was fed back.
	Note string
	// Day is the meeting day (deliberated) or the feedback day (fed back),
	// 'YYYY-MM-DD'; "" for the other steps.
	Day string
	// Body is the body that studied the case (deliberated: 县委常委会,
	// 容错免责工作领导小组) or whom the decision was told to and how (fed
	// back); "" for the other steps.
	Body   string
	UserID int64
	// User is the name of the user who took the step, as then.
	User string
	At   time.Time
}

// Check is a checklist answer.
type Check struct {
	Criterion Criterion
	// Answer is "yes" or "no"; "" leaves the item unanswered.
	Answer string
	Note   string
	// Files are the evidence of the answer: uploads to a decision, stored
	// files when read.
	Files  []Upload
	Stored []*File
}

// Yes reports whether the answer is yes.
func (c *Check) Yes() bool { return c.Answer == "yes" }

// Application is what a cadre or the office applies with.
type Application struct {
	// PersonID is the cadre the exemption is for, one the finding names;
	// 0 applies for the unit (the office only).
	PersonID  int64
	Statement string
}

// Deliberation is the record of the collective study.
type Deliberation struct {
	// MeetingOn is the day of the meeting, 'YYYY-MM-DD'.
	MeetingOn string
	// Body is who studied it: the participants' body.
	Body string
	// Conclusion is what the study concluded.
	Conclusion string
}

// Decision is the decision on an exemption.
type Decision struct {
	Outcome   Outcome
	Rationale string
	// Checks answer the checklist: every criterion, yes or no with a note,
	// to exempt; a refusal may leave items unanswered.
	Checks []Check
}

// Feedback is how the decision was told to the applicant.
type Feedback struct {
	// Day is when, 'YYYY-MM-DD'.
	Day string
	// To is to whom and how (书面告知本人, 在单位会议上通报).
	To string
	// Note is what was said.
	Note string
}

// Limits of a review's text.
const (
	maxStatement = 2000
	maxNote      = 2000
	maxBody      = 100
	maxCheckNote = 500
	// MaxCheckFiles is the most evidence files one checklist answer holds.
	MaxCheckFiles = 5
)

// ApplyExemption applies for the exemption of finding id. A cadre applies
// for herself (app.PersonID her person) when the finding names her and
// was notified to her; the office of the finding's unit applies for a
// cadre it names or, with PersonID 0, for the unit. The finding must be
// notified and active and have no review under way.
func (s *Service) ApplyExemption(ctx context.Context, a *auth.Actor, id int64, app Application) (*Exemption, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	app.Statement = strings.TrimSpace(app.Statement)
	if e := errs.CheckText("statement", "finding.exemption.statement", "the statement", app.Statement, maxStatement, true); e != nil {
		return nil, e
	}
	var out *Exemption
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayApply(a, f, app.PersonID); err != nil {
			return err
		}
		if err := open(f); err != nil {
			return err
		}
		if !f.Notified() {
			return errs.New(errs.Conflict, "finding.exemption.not_notified", "the finding has not been notified: there is nothing to apply against yet")
		}
		held, err := exemptionsOf(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(held, (*Exemption).Open) {
			return errs.New(errs.Conflict, "finding.exemption.under_review", "an application for the finding is under review")
		}
		e := &Exemption{ID: db.NewID(), FindingID: f.ID, PersonID: app.PersonID, Step: StepApplied, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_exemptions (id, finding_id, person_id, step, outcome, created_at, updated_at)
			VALUES ($1, $2, $3, $4, '', $5, $5)`, e.ID, f.ID, nullID(e.PersonID), e.Step, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert exemption: %w", err)
		}
		r := StepRecord{Step: StepApplied, Note: app.Statement}
		if err := addStep(ctx, tx, a, e, r); err != nil {
			return err
		}
		out = e
		return auth.Record(ctx, tx, a, audit.Event{Action: "finding.exemption.apply", ObjectType: "finding", ObjectID: db.FormatID(f.ID),
			UnitPath: f.unitPath, After: map[string]any{"exemption_id": db.FormatID(e.ID), "person_id": formatPerson(e.PersonID),
				"step": e.Step}, Reason: app.Statement})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayApply returns nil when a may apply for the exemption of f for
// person (0 the unit): the cadre herself, named by f and reading it, or
// the office of f's unit for a cadre f names or for the unit. Someone who
// may not read f gets NotFound, anyone else who reads it Forbidden.
func (s *Service) mayApply(a *auth.Actor, f *Finding, person int64) error {
	if err := s.mayRead(a, f); err != nil {
		return err
	}
	if person != 0 && !f.names(person) {
		return unknown("person_id", "finding.exemption.person_unknown", "the finding does not name that cadre")
	}
	if person != 0 && person == a.PersonID && s.readsAsNamed(a, f) &&
		s.pol.AuthorizePerson(a, auth.ActExemptionApply, person, nil) == nil {
		return nil
	}
	return forbiddenIfRead(s.pol.Authorize(a, auth.ActExemptionApply, f.unitPath), auth.ActExemptionApply)
}

// forbiddenIfRead turns the policy's NotFound into Forbidden for an actor
// who reads the object anyway.
func forbiddenIfRead(err error, act auth.Action) error {
	if errs.Is(err, errs.NotFound) {
		e := errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(act))
		e.Args = map[string]any{"action": string(act)}
		return e
	}
	return err
}

// open refuses a finding that no longer changes: exempted, or voided for
// good.
func open(f *Finding) error {
	if f.Status != Active {
		e := errs.New(errs.Conflict, "finding.closed", fmt.Sprintf("the finding is %s: it no longer changes", f.Status))
		e.Args = map[string]any{"status": string(f.Status)}
		return e
	}
	return nil
}

// VerifyExemption records that the office verified the facts of
// exemption id (核实): the step after the application.
func (s *Service) VerifyExemption(ctx context.Context, a *auth.Actor, id int64, facts string) (*Exemption, error) {
	facts = strings.TrimSpace(facts)
	return s.step(ctx, a, id, StepVerified, func(tx *db.Tx, f *Finding, e *Exemption) (*StepRecord, error) {
		if err := errs.CheckText("note", "finding.exemption.facts", "the facts verified", facts, maxNote, true); err != nil {
			return nil, err
		}
		return &StepRecord{Step: StepVerified, Note: facts}, nil
	})
}

// DeliberateExemption records the collective study of exemption id (集体
// 研究): its meeting day — not before the application, not after today —,
// the body that studied it and its conclusion. It follows the
// verification.
func (s *Service) DeliberateExemption(ctx context.Context, a *auth.Actor, id int64, d Deliberation) (*Exemption, error) {
	d.MeetingOn, d.Body, d.Conclusion = strings.TrimSpace(d.MeetingOn), strings.TrimSpace(d.Body), strings.TrimSpace(d.Conclusion)
	return s.step(ctx, a, id, StepDeliberated, func(tx *db.Tx, f *Finding, e *Exemption) (*StepRecord, error) {
		var l errs.List
		if err := checkDay("meeting_on", "finding.exemption.meeting_on", d.MeetingOn, today(e.CreatedAt), s.db.Clock()); err != nil {
			l.Add(err)
		}
		if err := errs.CheckText("body", "finding.exemption.body", "the body that studied it", d.Body, maxBody, true); err != nil {
			l.Add(err)
		}
		if err := errs.CheckText("note", "finding.exemption.conclusion", "the conclusion", d.Conclusion, maxNote, true); err != nil {
			l.Add(err)
		}
		if len(l) > 0 {
			return nil, l
		}
		return &StepRecord{Step: StepDeliberated, Note: d.Conclusion, Day: d.MeetingOn, Body: d.Body}, nil
	})
}

// DecideExemption records the decision on exemption id (决定), after the
// collective study. To exempt, every criterion of the checklist must be
// answered yes or no with a note — else an error per missing item, each
// naming it — and the finding becomes exempted in the same transaction
// (its own audit event); a refusal leaves the finding active.
func (s *Service) DecideExemption(ctx context.Context, a *auth.Actor, id int64, d Decision) (*Exemption, error) {
	d.Rationale = strings.TrimSpace(d.Rationale)
	return s.step(ctx, a, id, StepDecided, func(tx *db.Tx, f *Finding, e *Exemption) (*StepRecord, error) {
		checks, l := d.problems()
		if len(l) > 0 {
			return nil, l
		}
		if _, err := tx.ExecContext(ctx, `UPDATE finding_exemptions SET outcome = $1 WHERE id = $2`, d.Outcome, e.ID); err != nil {
			return nil, fmt.Errorf("decide exemption: %w", err)
		}
		for i := range checks {
			c := &checks[i]
			if _, err := tx.ExecContext(ctx, `INSERT INTO finding_exemption_checks (exemption_id, criterion, answer, note)
				VALUES ($1, $2, $3, $4)`, e.ID, c.Criterion, c.Yes(), c.Note); err != nil {
				return nil, fmt.Errorf("record checklist: %w", err)
			}
			stored, err := storeCheckFiles(ctx, tx, a, e, c)
			if err != nil {
				return nil, err
			}
			c.Stored, c.Files = stored, nil
		}
		e.Outcome, e.Checks = d.Outcome, checks
		if d.Outcome == OutcomeExempt {
			if err := s.setStatus(ctx, tx, a, f, Exempted, "finding.exempt", d.Rationale); err != nil {
				return nil, err
			}
		}
		return &StepRecord{Step: StepDecided, Note: d.Rationale}, nil
	})
}

// problems checks a decision and returns its answered checks in the order
// of Criteria.
func (d *Decision) problems() ([]Check, errs.List) {
	var l errs.List
	switch d.Outcome {
	case OutcomeExempt, OutcomeRefuse:
	case "":
		l.Add(errs.Field("outcome", "finding.exemption.outcome_required", "choose whether to exempt or refuse"))
	default:
		l.Add(errs.Field("outcome", "finding.exemption.outcome_invalid", "the outcome is exempt or refuse"))
	}
	if e := errs.CheckText("note", "finding.exemption.rationale", "the rationale", d.Rationale, maxNote, true); e != nil {
		l.Add(e)
	}
	given := map[Criterion]Check{}
	for _, c := range d.Checks {
		if !c.Criterion.Valid() {
			e := errs.Field("checks", "finding.exemption.criterion_unknown", fmt.Sprintf("%q is not an item of the checklist", c.Criterion))
			e.Args = map[string]any{"value": string(c.Criterion)}
			l.Add(e)
			continue
		}
		c.Answer, c.Note = strings.TrimSpace(c.Answer), strings.TrimSpace(c.Note)
		given[c.Criterion] = c
	}
	var out []Check
	for _, k := range Criteria {
		c, ok := given[k]
		field := "check." + string(k)
		if !ok || c.Answer == "" && c.Note == "" && len(c.Files) == 0 {
			if d.Outcome == OutcomeExempt {
				l.Add(errs.Field(field, "finding.exemption.missing."+string(k), "the checklist item "+string(k)+" is not answered"))
			}
			continue
		}
		if c.Answer != "yes" && c.Answer != "no" {
			l.Add(errs.Field(field, "finding.exemption.missing."+string(k), "the checklist item "+string(k)+" is not answered yes or no"))
		}
		if e := errs.CheckText(field, "finding.exemption.check_note", "the note of "+string(k), c.Note, maxCheckNote, true); e != nil {
			l.Add(e)
		}
		if len(c.Files) > MaxCheckFiles {
			e := errs.Field(field, "finding.evidence.too_many", fmt.Sprintf("an answer holds at most %d files", MaxCheckFiles))
			e.Args = map[string]any{"max": MaxCheckFiles}
			l.Add(e)
		}
		for _, u := range c.Files {
			if _, e := collect.CheckUpload(field, "finding.evidence.", u.Name, u.Data); e != nil {
				l.Add(e)
			}
		}
		out = append(out, c)
	}
	return out, l
}

// FeedBackExemption records that the decision on exemption id was told
// to the applicant (反馈): on a day not before the collective study nor
// after today, to whom and how, and what was said. It closes the review.
func (s *Service) FeedBackExemption(ctx context.Context, a *auth.Actor, id int64, fb Feedback) (*Exemption, error) {
	fb.Day, fb.To, fb.Note = strings.TrimSpace(fb.Day), strings.TrimSpace(fb.To), strings.TrimSpace(fb.Note)
	return s.step(ctx, a, id, StepFedBack, func(tx *db.Tx, f *Finding, e *Exemption) (*StepRecord, error) {
		var met string
		for _, r := range e.Steps {
			if r.Step == StepDeliberated {
				met = r.Day
			}
		}
		var l errs.List
		if err := checkDay("day", "finding.exemption.fed_back_on", fb.Day, met, s.db.Clock()); err != nil {
			l.Add(err)
		}
		if err := errs.CheckText("body", "finding.exemption.fed_back_to", "to whom it was told", fb.To, maxBody, true); err != nil {
			l.Add(err)
		}
		if err := errs.CheckText("note", "finding.exemption.feedback", "what was told", fb.Note, maxNote, true); err != nil {
			l.Add(err)
		}
		if len(l) > 0 {
			return nil, l
		}
		return &StepRecord{Step: StepFedBack, Note: fb.Note, Day: fb.Day, Body: fb.To}, nil
	})
}

// step takes step want of exemption id for the office: it checks the
// actor (ActExemptionReview on the finding's unit; NotFound for one who
// does not read the finding, Forbidden for one who does), that the
// finding is not voided, and that want comes next; then take checks the
// input and returns the step to record, and the step is stored and
// audited with its note as the reason.
func (s *Service) step(ctx context.Context, a *auth.Actor, id int64, want Step,
	take func(tx *db.Tx, f *Finding, e *Exemption) (*StepRecord, error)) (*Exemption, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Exemption
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := exemption(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := get(ctx, tx, e.FindingID)
		if err != nil {
			return err
		}
		if err := s.mayRead(a, f); err != nil {
			return errs.NoSuch("exemption")
		}
		if err := forbiddenIfRead(s.pol.Authorize(a, auth.ActExemptionReview, f.unitPath), auth.ActExemptionReview); err != nil {
			return err
		}
		if f.Status == Voided {
			return open(f)
		}
		if next := e.Next(); next != want {
			ce := errs.New(errs.Conflict, "finding.exemption.out_of_order", fmt.Sprintf("the review is at %s: %s cannot come next", e.Step, want))
			ce.Args = map[string]any{"step": string(e.Step), "want": string(want)}
			return ce
		}
		prev := e.Step
		r, err := take(tx, f, e)
		if err != nil {
			return err
		}
		if err := addStep(ctx, tx, a, e, *r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE finding_exemptions SET step = $1, updated_at = $2 WHERE id = $3`, want,
			tx.Now.UnixMicro(), e.ID); err != nil {
			return fmt.Errorf("exemption step: %w", err)
		}
		e.Step, e.UpdatedAt = want, tx.Now
		after := map[string]any{"exemption_id": db.FormatID(e.ID), "step": want}
		if r.Day != "" {
			after["day"] = r.Day
		}
		if r.Body != "" {
			after["body"] = r.Body
		}
		if want == StepDecided {
			after["outcome"] = e.Outcome
			after["checks"] = checkSummaries(e.Checks)
		}
		out = e
		return s.recordStep(ctx, tx, a, f, want, map[string]any{"step": prev}, after, r.Note)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recordStep records the audit event of a review step, on the finding.
func (s *Service) recordStep(ctx context.Context, tx *db.Tx, a *auth.Actor, f *Finding, st Step, before, after map[string]any, reason string) error {
	var action string
	switch st {
	case StepVerified:
		action = "finding.exemption.verify"
	case StepDeliberated:
		action = "finding.exemption.deliberate"
	case StepDecided:
		action = "finding.exemption.decide"
	case StepFedBack:
		action = "finding.exemption.feed_back"
	default:
		return fmt.Errorf("exemption: no audit action for step %q", st)
	}
	return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "finding", ObjectID: db.FormatID(f.ID), UnitPath: f.unitPath,
		Before: before, After: after, Reason: reason})
}

// setStatus changes f's status to to inside tx, audited as action with
// reason: the one way a review changes a finding. A voided finding is
// voided for good: every change is refused.
func (s *Service) setStatus(ctx context.Context, tx *db.Tx, a *auth.Actor, f *Finding, to Status, action, reason string) error {
	if f.Status == Voided || f.Status == to {
		return open(f)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = $1, updated_at = $2 WHERE id = $3 AND status <> $4`, to,
		tx.Now.UnixMicro(), f.ID, Voided); err != nil {
		return fmt.Errorf("finding status: %w", err)
	}
	before := f.Status
	f.Status, f.UpdatedAt = to, tx.Now
	return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "finding", ObjectID: db.FormatID(f.ID), UnitPath: f.unitPath,
		Before: map[string]any{"status": before}, After: map[string]any{"status": to}, Reason: reason})
}

// addStep stores step r of e, taken by a now.
func addStep(ctx context.Context, tx *db.Tx, a *auth.Actor, e *Exemption, r StepRecord) error {
	r.UserID, r.User, r.At = a.UserID, a.Name, tx.Now
	if _, err := tx.ExecContext(ctx, `INSERT INTO finding_exemption_steps (exemption_id, step, day, body, note, user_id, user_name,
		created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ID, r.Step, r.Day, r.Body, r.Note, a.UserID, a.Name,
		tx.Now.UnixMicro()); err != nil {
		return fmt.Errorf("record exemption step: %w", err)
	}
	e.Steps = append(e.Steps, r)
	return nil
}

// storeCheckFiles stores the evidence of checklist answer c of exemption
// e.
func storeCheckFiles(ctx context.Context, tx *db.Tx, a *auth.Actor, e *Exemption, c *Check) ([]*File, error) {
	var out []*File
	for _, u := range c.Files {
		ctype, bad := collect.CheckUpload("check."+string(c.Criterion), "finding.evidence.", u.Name, u.Data)
		if bad != nil {
			return nil, bad
		}
		sum := sha256.Sum256(u.Data)
		f := &File{ID: db.NewID(), FindingID: e.FindingID, Name: strings.TrimSpace(u.Name), ContentType: ctype, Size: int64(len(u.Data)),
			SHA256: hex.EncodeToString(sum[:]), CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_exemption_files (id, exemption_id, criterion, name, content_type, size, sha256,
			content, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, e.ID, c.Criterion, f.Name, f.ContentType,
			f.Size, f.SHA256, base64.StdEncoding.EncodeToString(u.Data), a.UserID, tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("store checklist evidence: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// checkSummaries are checklist answers as the audit log records them.
func checkSummaries(cs []Check) []map[string]any {
	out := []map[string]any{}
	for _, c := range cs {
		m := map[string]any{"criterion": c.Criterion, "answer": c.Answer, "note": c.Note}
		if len(c.Stored) > 0 {
			m["files"] = fileSummaries(c.Stored)
		}
		out = append(out, m)
	}
	return out
}

// exemptionCols are the columns scanExemption reads.
const exemptionCols = `id, finding_id, person_id, step, outcome, created_at, updated_at`

// queryExemptions reads the exemptions of a query selecting exemptionCols,
// with their steps, checks, files and names.
func queryExemptions(ctx context.Context, tx *db.Tx, query string, args ...any) ([]*Exemption, error) {
	var out []*Exemption
	err := db.EachRow(ctx, tx, query, args, func(scan func(...any) error) error {
		e := &Exemption{}
		var person sql.NullInt64
		var created, updated int64
		if err := scan(&e.ID, &e.FindingID, &person, &e.Step, &e.Outcome, &created, &updated); err != nil {
			return err
		}
		e.PersonID, e.CreatedAt, e.UpdatedAt = person.Int64, db.Micros(created), db.Micros(updated)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read exemptions: %w", err)
	}
	return out, fillExemptions(ctx, tx, out)
}

// exemption reads exemption id; NotFound when there is none.
func exemption(ctx context.Context, tx *db.Tx, id int64) (*Exemption, error) {
	es, err := queryExemptions(ctx, tx, `SELECT `+exemptionCols+` FROM finding_exemptions WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, errs.NoSuch("exemption")
	}
	return es[0], nil
}

// exemptionsOf reads the exemptions of finding id, newest first.
func exemptionsOf(ctx context.Context, tx *db.Tx, id int64) ([]*Exemption, error) {
	return queryExemptions(ctx, tx, `SELECT `+exemptionCols+` FROM finding_exemptions WHERE finding_id = $1
		ORDER BY created_at DESC, id DESC`, id)
}

// fillExemptions reads the steps, checks, files and names of es.
func fillExemptions(ctx context.Context, tx *db.Tx, es []*Exemption) error {
	if len(es) == 0 {
		return nil
	}
	byID := map[int64]*Exemption{}
	var ids, people []int64
	for _, e := range es {
		byID[e.ID] = e
		ids = append(ids, e.ID)
		if e.PersonID != 0 {
			people = append(people, e.PersonID)
		}
	}
	var args []any
	in := db.In(&args, ids)
	err := db.EachRow(ctx, tx, `SELECT exemption_id, step, day, body, note, user_id, user_name, created_at FROM finding_exemption_steps
		WHERE exemption_id IN (`+in+`)`, args, func(scan func(...any) error) error {
		var id, at int64
		var r StepRecord
		if err := scan(&id, &r.Step, &r.Day, &r.Body, &r.Note, &r.UserID, &r.User, &at); err != nil {
			return err
		}
		r.At = db.Micros(at)
		byID[id].Steps = append(byID[id].Steps, r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read exemption steps: %w", err)
	}
	files := map[int64]map[Criterion][]*File{}
	err = db.EachRow(ctx, tx, `SELECT id, exemption_id, criterion, name, content_type, size, sha256, created_at FROM finding_exemption_files
		WHERE exemption_id IN (`+in+`) ORDER BY created_at, id`, args, func(scan func(...any) error) error {
		f := &File{}
		var c Criterion
		var id, at int64
		if err := scan(&f.ID, &id, &c, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at); err != nil {
			return err
		}
		f.FindingID, f.CreatedAt = byID[id].FindingID, db.Micros(at)
		if files[id] == nil {
			files[id] = map[Criterion][]*File{}
		}
		files[id][c] = append(files[id][c], f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read checklist evidence: %w", err)
	}
	err = db.EachRow(ctx, tx, `SELECT exemption_id, criterion, answer, note FROM finding_exemption_checks WHERE exemption_id IN (`+in+`)`,
		args, func(scan func(...any) error) error {
			var id int64
			var c Check
			var yes bool
			if err := scan(&id, &c.Criterion, &yes, &c.Note); err != nil {
				return err
			}
			c.Answer = "no"
			if yes {
				c.Answer = "yes"
			}
			c.Stored = files[id][c.Criterion]
			byID[id].Checks = append(byID[id].Checks, c)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read checklist: %w", err)
	}
	ps, err := org.PeopleByID(ctx, tx, people)
	if err != nil {
		return err
	}
	for _, e := range es {
		if p := ps[e.PersonID]; p != nil {
			e.Person = p.Name
		}
		slices.SortFunc(e.Steps, func(x, y StepRecord) int { return slices.Index(Steps, x.Step) - slices.Index(Steps, y.Step) })
		slices.SortFunc(e.Checks, func(x, y Check) int { return slices.Index(Criteria, x.Criterion) - slices.Index(Criteria, y.Criterion) })
	}
	return nil
}

// ExemptionFile returns evidence file id of a checklist answer and its
// content, to whoever may read the exemption's finding.
func (s *Service) ExemptionFile(ctx context.Context, a *auth.Actor, id int64) (*File, []byte, error) {
	return s.storedFile(ctx, a, id, `SELECT e.finding_id, x.name, x.content_type, x.size, x.sha256, x.content, x.created_at
		FROM finding_exemption_files x JOIN finding_exemptions e ON e.id = x.exemption_id WHERE x.id = $1`)
}

// nullID is id for a nullable column, NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// formatPerson is a person id for the audit log, "" for the unit.
func formatPerson(id int64) string {
	if id == 0 {
		return ""
	}
	return db.FormatID(id)
}
