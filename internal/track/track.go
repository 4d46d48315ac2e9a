// Package track holds what a unit's leadership team and its leading cadres
// promise and do over a year, beside the numbers collected about them:
// commitments (年初亮诺) with a measurable target tied to a data item the
// unit reports, or milestones; the office's review and the versions of an
// approved commitment; mid-year progress with evidence (年中亮晒) on a board
// every user in scope reads; year-end proof and the assessment team's
// verdict (年底亮效), from which a delivery rate per team and cadre is
// published as a data item that schemes score (collect.Publish, source
// track); the work ledger (工作台账) with its 潜绩 entries; monitoring of key
// indicators against a target trajectory with alerts; and a cadre's
// self-assessment (述职/自评).
//
// Every change is recorded in the audit log in its transaction
// (docs/decisions/0140-commitments.md).
package track

import (
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service files, reviews and reads commitments, the ledger, monitors and
// self-assessments. Each method checks the actor against the policy, runs
// in one transaction and records an audit event for every change.
type Service struct {
	db      *db.DB
	pol     auth.Policy
	collect *collect.Service
}

// NewService returns a Service on d that asks pol who may do what and
// publishes delivery rates through c.
func NewService(d *db.DB, pol auth.Policy, c *collect.Service) *Service {
	return &Service{db: d, pol: pol, collect: c}
}

// OwnerKind says whose a commitment is: a leadership team's (its unit's)
// or a leading cadre's.
type OwnerKind string

// The owner kinds.
const (
	OwnerUnit   OwnerKind = "unit"
	OwnerPerson OwnerKind = "person"
)

// Valid reports whether k is a known owner kind.
func (k OwnerKind) Valid() bool { return k == OwnerUnit || k == OwnerPerson }

// TargetKind says how a commitment is measured.
type TargetKind string

// The target kinds.
const (
	// TargetValue is a value of a data item the unit reports, reached by a day.
	TargetValue TargetKind = "value"
	// TargetMilestones is qualitative work in dated steps.
	TargetMilestones TargetKind = "milestones"
)

// Valid reports whether k is a known target kind.
func (k TargetKind) Valid() bool { return k == TargetValue || k == TargetMilestones }

// Status is where a commitment stands in the office's review.
type Status string

// The statuses: a filed commitment is submitted to the office, which
// returns it with comments or approves it.
const (
	Submitted Status = "submitted"
	Returned  Status = "returned"
	Approved  Status = "approved"
)

// Statuses lists the statuses in the order the board shows them.
var Statuses = []Status{Submitted, Returned, Approved}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Stage is how far an approved commitment has come through the year.
type Stage string

// The stages.
const (
	StageNone     Stage = "none"     // approved, nothing reported yet
	StageMidyear  Stage = "midyear"  // 亮晒: progress reported
	StageProved   Stage = "proved"   // 亮效: proof filed, awaiting verification
	StageVerified Stage = "verified" // the assessment team's verdict recorded
)

// Stages lists the stages in order.
var Stages = []Stage{StageNone, StageMidyear, StageProved, StageVerified}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// Verdict is the assessment team's finding on a commitment at year end.
type Verdict string

// The verdicts and what each counts in the delivery rate.
const (
	Done   Verdict = "done"   // 完成
	Mostly Verdict = "mostly" // 基本完成
	Missed Verdict = "missed" // 未完成
)

// Verdicts lists the verdicts from the best.
var Verdicts = []Verdict{Done, Mostly, Missed}

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool { return slices.Contains(Verdicts, v) }

// credit is what a verdict counts towards the delivery rate: a commitment
// mostly delivered counts half (docs/decisions/0140-commitments.md).
func (v Verdict) credit() float64 {
	switch v {
	case Done:
		return 1
	case Mostly:
		return 0.5
	}
	return 0
}

// Input limits.
const (
	maxTitle      = 200
	maxText       = 4000
	maxReason     = 2000
	maxMilestones = 12
)

// signedIn returns Unauthorized for a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}
