package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Answer is one answer of a ballot: a grade or a score for an item of a
// subject, or (Subject 0) the chosen option of an extra question.
type Answer struct {
	Subject int64    `json:"s,omitempty"`
	Item    string   `json:"i"`
	Grade   string   `json:"g,omitempty"`
	Score   *float64 `json:"v,omitempty"`
}

// Ballot is a cast ballot as stored: no code, no rater, no time.
type Ballot struct {
	ID          int64
	Evaluation  int64
	Group       GroupCode
	Day         string
	Valid       bool
	InvalidRule string
	Answers     []Answer
}

// Form is what a rater's phone shows for a code.
type Form struct {
	Evaluation *Evaluation
	Group      GroupCode
	// Used is true when the code has been used; Open when the evaluation
	// accepts ballots.
	Used bool
	Open bool
}

// Submission is what a rater sends.
type Submission struct {
	Answers []Answer
	// AcceptInvalid casts a ballot that breaks a validity rule as an
	// invalid ballot (废票) instead of refusing it so that the rater can
	// change it.
	AcceptInvalid bool
}

// Validity rule names, stored in ballots.invalid_rule.
const (
	RuleUniformTop = "uniform_top"
	RuleMaxTop     = "max_top"
)

// Error keys a rater sees.
const (
	KeyCodeUnknown = "survey.code_unknown"
	KeyCodeUsed    = "survey.code_used"
	KeyNotOpen     = "survey.not_open"
	KeyRuleBroken  = "survey.rule_broken"
)

func codeUnknown() error {
	return errs.New(errs.NotFound, KeyCodeUnknown, "no such ballot code")
}

// codeInfo is what a code says: its evaluation and the status of that,
// its rater group and serial, and its group's used bitmap.
type codeInfo struct {
	evaluation int64
	status     Status
	group      GroupCode
	serial     int
	used       []byte
}

// lookupCode reads a code with the status of its evaluation and its
// group's used bitmap, in one query.
func lookupCode(ctx context.Context, tx *db.Tx, code string) (*codeInfo, error) {
	var (
		c codeInfo
		h string
	)
	err := tx.QueryRowContext(ctx, `SELECT bc.evaluation_id, e.status, bc.group_code, bc.serial, cs.used
		FROM ballot_codes bc JOIN evaluations e ON e.id = bc.evaluation_id
		JOIN code_sets cs ON cs.evaluation_id = bc.evaluation_id AND cs.group_code = bc.group_code
		WHERE bc.code = $1`, code).Scan(&c.evaluation, &c.status, &c.group, &c.serial, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, codeUnknown()
	}
	if err != nil {
		return nil, fmt.Errorf("read code: %w", err)
	}
	if c.used, err = decodeBits(h); err != nil {
		return nil, fmt.Errorf("read code set: %w", err)
	}
	return &c, nil
}

// opened returns evaluation id for raters: from the cache of evaluations
// that have opened, whose subjects, groups and rules never change again,
// or read and cached. status is the current status, which the caller has
// just read; the returned copy carries it.
func (s *Service) opened(ctx context.Context, tx *db.Tx, id int64, status Status) (*Evaluation, error) {
	if v, ok := s.cache.Load(id); ok {
		e := *v.(*Evaluation)
		e.Status = status
		return &e, nil
	}
	e, err := getEvaluation(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if e.Status != StatusDraft {
		c := *e
		s.cache.Store(id, &c)
	}
	e.Status = status
	return e, nil
}

// Form returns the ballot form for a code. It needs no actor: the code is
// the rater's only credential.
func (s *Service) Form(ctx context.Context, code string) (*Form, error) {
	c, ok := NormalizeCode(code)
	if !ok {
		return nil, codeUnknown()
	}
	var out *Form
	err := s.db.View(ctx, func(tx *db.Tx) error {
		ci, err := lookupCode(ctx, tx, c)
		if err != nil {
			return err
		}
		e, err := s.opened(ctx, tx, ci.evaluation, ci.status)
		if err != nil {
			return err
		}
		out = &Form{Evaluation: e, Group: ci.group, Used: bit(ci.used, ci.serial), Open: e.Status == StatusOpen}
		return nil
	})
	return out, err
}

// Submit casts the ballot of a code: it checks the answers against the
// evaluation's questionnaires and rules, marks the code used and stores
// the ballot sealed, in one transaction, so that a code casts at most one
// ballot even under concurrent submission, and an acknowledged ballot is
// committed. Sealed ballots are opened into ballots in batches (see
// sealed.go). A ballot that breaks a validity rule is refused with an
// Invalid error (key survey.rule_broken, Args rule) unless
// sub.AcceptInvalid, when it is cast as invalid.
//
// Ballots that arrive while another is being written are written
// together, one transaction for all that waited (group commit): each is
// still checked on its own, a refused one does not touch the others, and
// none is acknowledged before the transaction commits. A burst of ballots
// thus takes one database connection and one commit per group, not one per
// ballot.
func (s *Service) Submit(ctx context.Context, code string, sub Submission) error {
	p := &pendingBallot{code: code, sub: sub, done: make(chan error, 1)}
	s.mu.Lock()
	s.pending = append(s.pending, p)
	s.mu.Unlock()
	for {
		select {
		case err := <-p.done:
			return err
		case s.writer <- struct{}{}:
			// This submitter writes whatever is pending, its own ballot
			// included unless an earlier writer took it.
			s.writePending(ctx)
			<-s.writer
		case <-ctx.Done():
			return ctx.Err() // the ballot may still be cast; it was not acknowledged
		}
	}
}

// pendingBallot is a ballot waiting for the group commit.
type pendingBallot struct {
	code string
	sub  Submission
	done chan error
}

// writePending casts the pending ballots in one transaction, each refused
// on its own (every refusal comes before its writes), and tells each its
// outcome once the transaction has committed or failed.
func (s *Service) writePending(ctx context.Context) {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	// The batch holds other raters' ballots: the writer's own request
	// ending must not cut it short.
	ctx = context.WithoutCancel(ctx)
	refused := make([]error, len(batch))
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		sealed := sealedGroups{}
		for i, p := range batch {
			err := s.submit(ctx, tx, p.code, p.sub, sealed)
			if errs.CodeOf(err) == errs.Internal {
				return err
			}
			refused[i] = err
		}
		return s.release(ctx, tx, sealed)
	})
	for i, p := range batch {
		if err != nil {
			p.done <- err
		} else {
			p.done <- refused[i]
		}
	}
}

// CodeSubmission is a ballot with its code, for SubmitAll.
type CodeSubmission struct {
	Code string
	Submission
}

// SubmitAll casts several ballots in one transaction, all or none, each
// as Submit would: for a pile of paper ballots keyed in together, and for
// the demo.
func (s *Service) SubmitAll(ctx context.Context, subs []CodeSubmission) error {
	return s.write(ctx, func(tx *db.Tx) error {
		sealed := sealedGroups{}
		for _, c := range subs {
			if err := s.submit(ctx, tx, c.Code, c.Submission, sealed); err != nil {
				return err
			}
		}
		return s.release(ctx, tx, sealed)
	})
}

// submit casts one ballot in tx, sealed, and adds its group to sealed.
func (s *Service) submit(ctx context.Context, tx *db.Tx, code string, sub Submission, sealed sealedGroups) error {
	c, ok := NormalizeCode(code)
	if !ok {
		return codeUnknown()
	}
	if tx.Engine != db.SQLite {
		// Lock the code's group set first, so that the read below sees
		// the last committed bitmap (SQLite's write transaction already
		// holds the whole database).
		if _, err := tx.ExecContext(ctx, `UPDATE code_sets SET issued = issued
			WHERE (evaluation_id, group_code) IN (SELECT evaluation_id, group_code FROM ballot_codes WHERE code = $1)`, c); err != nil {
			return fmt.Errorf("lock code set: %w", err)
		}
	}
	ci, err := lookupCode(ctx, tx, c)
	if err != nil {
		return err
	}
	if ci.status != StatusOpen {
		return errs.New(errs.Conflict, KeyNotOpen, "the evaluation is not open for ballots")
	}
	e, err := s.opened(ctx, tx, ci.evaluation, ci.status)
	if err != nil {
		return err
	}
	answers, err := checkAnswers(e, sub.Answers, false)
	if err != nil {
		return err
	}
	rule := breaks(e, answers)
	if rule != "" && !sub.AcceptInvalid {
		er := errs.New(errs.Invalid, KeyRuleBroken, "the ballot breaks the rule "+rule)
		er.Field, er.Args = "answers", map[string]any{"rule": rule, "max": e.Rules.MaxTop}
		return er
	}
	if bit(ci.used, ci.serial) {
		return errs.New(errs.Conflict, KeyCodeUsed, "this ballot code has been used")
	}
	used := grow(ci.used, ci.serial+1)
	used[ci.serial/8] |= 1 << (ci.serial % 8)
	if _, err := tx.ExecContext(ctx, `UPDATE code_sets SET used = $3, used_count = used_count + 1
		WHERE evaluation_id = $1 AND group_code = $2`, ci.evaluation, ci.group, encodeBits(used)); err != nil {
		return fmt.Errorf("mark code used: %w", err)
	}
	sealed.add(e, ci.group)
	return s.sealBallot(ctx, tx, e, &Ballot{Group: ci.group, Valid: rule == "", InvalidRule: rule, Answers: answers})
}

// castBallot stores a new ballot under a fresh random ID.
func castBallot(ctx context.Context, tx *db.Tx, b *Ballot) error {
	for range 3 {
		b.ID = ballotID()
		err := insertBallot(ctx, tx, b)
		if err == nil {
			return nil
		}
		var exists bool
		if qerr := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ballots WHERE id = $1)`, b.ID).Scan(&exists); qerr != nil || !exists {
			return fmt.Errorf("cast ballot: %w", err)
		}
	}
	return errors.New("cast ballot: no free ballot id")
}

// ballotID returns a crypto-random positive 63-bit ID. Ballots must not use
// db.NewID, whose time-ordered IDs would order ballots by casting.
func ballotID() int64 {
	var b [8]byte
	for {
		rand.Read(b[:])
		if id := int64(binary.LittleEndian.Uint64(b[:]) >> 1); id != 0 {
			return id
		}
	}
}

// insertBallot writes a ballot row. On SQLite the hidden rowid, which
// orders the table on disk, is set to the random ID too, so that the file
// does not keep the order ballots were cast in.
func insertBallot(ctx context.Context, tx *db.Tx, b *Ballot) error {
	answers, err := json.Marshal(b.Answers)
	if err != nil {
		return err
	}
	q := `INSERT INTO ballots (id, evaluation_id, group_code, day, valid, invalid_rule, answers)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	if tx.Engine == db.SQLite {
		q = `INSERT INTO ballots (rowid, id, evaluation_id, group_code, day, valid, invalid_rule, answers)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7)`
	}
	_, err = tx.ExecContext(ctx, q, b.ID, b.Evaluation, b.Group, b.Day, b.Valid, b.InvalidRule, string(answers))
	return err
}

// loadBallots reads the ballots of an evaluation in ID order; validOnly
// keeps the valid ones.
func loadBallots(ctx context.Context, tx *db.Tx, id int64, validOnly bool) ([]*Ballot, error) {
	q := `SELECT id, group_code, day, valid, invalid_rule, answers FROM ballots WHERE evaluation_id = $1`
	if validOnly {
		q += ` AND valid`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read ballots: %w", err)
	}
	defer rows.Close()
	var out []*Ballot
	for rows.Next() {
		b := &Ballot{Evaluation: id}
		var answers string
		if err := rows.Scan(&b.ID, &b.Group, &b.Day, &b.Valid, &b.InvalidRule, &answers); err != nil {
			return nil, fmt.Errorf("read ballots: %w", err)
		}
		if err := json.Unmarshal([]byte(answers), &b.Answers); err != nil {
			return nil, fmt.Errorf("read ballot %d: %w", b.ID, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// checkAnswers checks that answers give exactly one valid answer to every
// item of every subject (and at most one known option per extra question
// when extra is true), and returns them in questionnaire order, so that the
// stored order says nothing about how the rater filled the form in.
func checkAnswers(e *Evaluation, answers []Answer, extra bool) ([]Answer, error) {
	type key struct {
		s int64
		i string
	}
	given := make(map[key]Answer, len(answers))
	for _, a := range answers {
		k := key{a.Subject, a.Item}
		if _, dup := given[k]; dup {
			return nil, errs.Field("answers", "survey.answer_duplicate", "an item is answered twice")
		}
		given[k] = a
	}
	out := make([]Answer, 0, len(answers))
	for _, sub := range e.Subjects {
		for _, it := range sub.Q().Items {
			a, ok := given[key{sub.ID, it.Code}]
			if !ok {
				er := errs.Field("answers", "survey.answer_missing", fmt.Sprintf("%s: %s is not answered", sub.Name, it.Code))
				er.Args = map[string]any{"subject": sub.Name, "item": it.Key}
				return nil, er
			}
			delete(given, key{sub.ID, it.Code})
			switch it.Kind {
			case ItemGrade:
				if a.Score != nil || !it.Scale.Has(a.Grade) {
					return nil, errs.Field("answers", "survey.answer_invalid", fmt.Sprintf("%s: %q is not a grade of %s", sub.Name, a.Grade, it.Code))
				}
				out = append(out, Answer{Subject: sub.ID, Item: it.Code, Grade: a.Grade})
			case ItemScore:
				if a.Grade != "" || a.Score == nil || math.IsNaN(*a.Score) || *a.Score < 0 || *a.Score > 100 {
					return nil, errs.Field("answers", "survey.score_invalid", fmt.Sprintf("%s: the score must be from 0 to 100", sub.Name))
				}
				v := math.Round(*a.Score*10) / 10
				out = append(out, Answer{Subject: sub.ID, Item: it.Code, Score: &v})
			}
		}
	}
	if extra {
		for _, q := range e.Rules.Questions {
			a, ok := given[key{0, q.Code}]
			if !ok {
				continue // extra questions are optional
			}
			delete(given, key{0, q.Code})
			found := false
			for _, o := range q.Options {
				found = found || o == a.Grade
			}
			if !found || a.Score != nil {
				return nil, errs.Field("answers", "survey.answer_invalid", fmt.Sprintf("%q is not an option of %s", a.Grade, q.Code))
			}
			out = append(out, Answer{Item: q.Code, Grade: a.Grade})
		}
	}
	if len(given) > 0 {
		return nil, errs.Field("answers", "survey.answer_unknown", "an answer names no item of this ballot")
	}
	return out, nil
}

// breaks returns the validity rule the answers break, or "".
func breaks(e *Evaluation, answers []Answer) string {
	subjects := make(map[int64]*Subject, len(e.Subjects))
	for i := range e.Subjects {
		subjects[e.Subjects[i].ID] = &e.Subjects[i]
	}
	overall, top, cadreTop := 0, 0, 0
	for _, a := range answers {
		sub := subjects[a.Subject]
		if sub == nil {
			continue
		}
		it := sub.Q().Item(a.Item)
		if it == nil || !it.Overall {
			continue
		}
		overall++
		if (it.Kind == ItemGrade && a.Grade == it.Scale.Best()) || (it.Kind == ItemScore && *a.Score == 100) {
			top++
			if sub.Kind == SubjectCadre {
				cadreTop++
			}
		}
	}
	switch {
	case e.Rules.UniformTopInvalid && overall >= 2 && top == overall:
		return RuleUniformTop
	case e.Rules.MaxTop > 0 && cadreTop > e.Rules.MaxTop:
		return RuleMaxTop
	}
	return ""
}
