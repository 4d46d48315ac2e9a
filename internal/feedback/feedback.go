// Package feedback tells each assessed leadership team (领导班子) and
// cadre what its published result means and follows what it does about
// it (R6): a feedback report (反馈报告) drafted from a published
// snapshot — grade, total, rank with its interval, the radar against the
// group median, achievements to keep and concrete problems — with
// recommendations the 考核组 edits, released by the office and signed for
// (签收) by its owner; rectification tasks (整改任务) made from its
// problems, with deadlines, progress and evidence, verified by the office,
// reminded and escalated when late, and counted as a data item
// (rectification on time) that schemes may score; appeals (申诉/复核)
// against the result within a window after publication, answered 维持 or
// 更正 — a correction corrects the value through collect and rescores the
// cycle into a new snapshot version (cycle.Service.Revise); and the
// in-app inbox with an optional outgoing channel.
//
// Every transition is recorded in the audit log in its transaction
// (docs/decisions/0150-feedback.md).
package feedback

import (
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// DefaultAppealDays is the appeal window after publication when none is
// configured.
const DefaultAppealDays = 15

// Service drafts, releases and reads feedback reports, rectification
// tasks, appeals and the inbox. Each method checks the actor against the
// policy, runs in one transaction and records an audit event for every
// change.
type Service struct {
	db      *db.DB
	pol     auth.Policy
	cycles  *cycle.Service
	collect *collect.Service
	// appealDays is the appeal window in days after publication.
	appealDays int
	// out sends notifications outside the platform; nil for none. word
	// words a notification for it.
	out  Sender
	word func(k Kind, args map[string]any) string
}

// NewService returns a Service on d that asks pol who may do what,
// rescores cycles through cycles and corrects and publishes values
// through collects.
func NewService(d *db.DB, pol auth.Policy, cycles *cycle.Service, collects *collect.Service) *Service {
	return &Service{db: d, pol: pol, cycles: cycles, collect: collects, appealDays: DefaultAppealDays}
}

// SetAppealDays sets the appeal window in days after publication (at
// least 1).
func (s *Service) SetAppealDays(days int) {
	if days >= 1 {
		s.appealDays = days
	}
}

// AppealDays is the appeal window in days.
func (s *Service) AppealDays() int { return s.appealDays }

// SetSender sends every notification also through out (SMTP or a
// webhook), after its transaction commits, worded by word; nil turns it
// off (the default).
func (s *Service) SetSender(out Sender, word func(k Kind, args map[string]any) string) {
	s.out, s.word = out, word
}

func invalid(field, key, msg string) *errs.Error { return errs.Field(field, key, msg) }

func conflict(key, msg string) *errs.Error { return errs.New(errs.Conflict, key, msg) }

func notFound(what string) *errs.Error { return errs.NoSuch(what) }

func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}

// day formats t as a date in the platform's time zone (Beijing).
func day(t time.Time) string { return t.In(beijing).Format(time.DateOnly) }

var beijing = time.FixedZone("CST", 8*3600)
