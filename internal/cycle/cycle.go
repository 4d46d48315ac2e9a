// Package cycle runs assessment cycles (考核周期) of the four types —
// ordinary (平时, e.g. quarterly), annual (年度), special (专项, for a named
// task) and term (任期) — from draft to publication: each cycle is bound to
// a scheme version and to the units or cadres it assesses, moves through
// its stages by the office, and is scored in runs that load the inputs,
// call score.Compute and store an immutable snapshot. The office approves a
// snapshot, calibrates grades with reasons under the scheme's quotas, and
// publishes; then each assessed unit and cadre sees its own results.
//
// Annual and term cycles fold in the totals of ordinary and special cycles
// (cycle parts, with weights) through a leaf of their scheme, so the whole
// period counts and the engine ranks, grades and explains the fold like any
// other indicator (R2.5).
package cycle

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// EngineVersion names the scoring engine's behaviour recorded with every
// snapshot. Bump it when a change to internal/score changes any number.
const EngineVersion = "score/1"

// DefaultDraws is the number of Monte Carlo draws of a cycle that does not
// set it.
const DefaultDraws = 200

// MaxDraws is the most draws a cycle may ask for.
const MaxDraws = 5000

// Service runs cycles. Each method checks the actor against the policy,
// runs in one transaction and records an audit event for every change.
type Service struct {
	db  *db.DB
	pol auth.Policy
	src Sources
}

// NewService returns a Service on d that asks pol who may do what and
// reads what other packages own through src: Schemes and Values are
// required, Ratings, Findings and Judgements may be nil (none).
func NewService(d *db.DB, pol auth.Policy, src Sources) *Service {
	return &Service{db: d, pol: pol, src: src}
}

// Kind is the type of a cycle.
type Kind string

// The kinds.
const (
	Ordinary Kind = "ordinary" // 平时考核, e.g. quarterly
	Annual   Kind = "annual"   // 年度考核
	Special  Kind = "special"  // 专项考核, tied to a named task
	Term     Kind = "term"     // 任期考核
)

// Kinds lists the kinds in the order the interface shows them.
var Kinds = []Kind{Ordinary, Annual, Special, Term}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	return k == Ordinary || k == Annual || k == Special || k == Term
}

// Subject is what a cycle assesses.
type Subject string

// The subjects.
const (
	SubjectUnit   Subject = "unit"   // leadership teams (领导班子), one entity per unit
	SubjectPerson Subject = "person" // cadres (干部)
)

// Stage is where a cycle is in its life.
type Stage string

// The stages, in order.
const (
	Draft      Stage = "draft"
	Collecting Stage = "collecting"
	Evaluating Stage = "evaluating"
	Scoring    Stage = "scoring"
	Review     Stage = "review"
	Published  Stage = "published"
	Closed     Stage = "closed"
)

// Stages lists the stages in order.
var Stages = []Stage{Draft, Collecting, Evaluating, Scoring, Review, Published, Closed}

// Next returns the stage after s, "" after closed.
func (s Stage) Next() Stage {
	for i, x := range Stages {
		if x == s && i+1 < len(Stages) {
			return Stages[i+1]
		}
	}
	return ""
}

// MoveAction is the action the actor needs to move a cycle into stage to:
// the office moves every stage; publishing needs the approval right.
func MoveAction(to Stage) auth.Action {
	if to == Published {
		return auth.ActResultApprove
	}
	return auth.ActCycleManage
}

// Cycle is an assessment cycle.
type Cycle struct {
	ID int64
	// Code is a stable short name, e.g. "2025-annual-county".
	Code string
	Name string
	Kind Kind
	// Task names the task of a special cycle (专项任务), e.g. 防汛抗旱.
	Task    string
	Subject Subject
	// OwnerUnitID is the unit whose office runs the cycle; OwnerPath and
	// OwnerName are loaded.
	OwnerUnitID          int64
	OwnerPath, OwnerName string
	// SchemeVersionID is the scheme version the cycle is scored with;
	// it is locked when the cycle is made.
	SchemeVersionID int64
	// Period is the data period read: '2025', '2025Q3', '2025-07'.
	Period string
	// StartsOn and EndsOn are the assessed period's dates 'YYYY-MM-DD'
	// (for ordering cycles in a profile's history); may be "".
	StartsOn, EndsOn string
	Stage            Stage
	// Draws and Seed are the Monte Carlo options of every scoring run.
	Draws int
	Seed  uint64
	// EvaluationIDs are the democratic evaluations and satisfaction
	// surveys whose tallies feed the qualitative indicators, in ascending
	// order; none for a cycle without ratings. An entity takes each
	// indicator's ratings from at most one of them. Like Parts, they are loaded by Service.Cycle,
	// not by the list Service.Cycles.
	EvaluationIDs []int64
	// FoldIndicator is the scheme leaf that receives the weighted mean of
	// the Parts' totals; "" when the cycle folds nothing in.
	FoldIndicator string
	Parts         []Part
	// ApprovedSnapshotID and PublishedSnapshotID are 0 until set.
	ApprovedSnapshotID  int64
	PublishedSnapshotID int64
	// Entities is the number of assessed entities (loaded).
	Entities  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Part is an ordinary or special cycle folded into an annual or term
// cycle with a weight.
type Part struct {
	CycleID int64
	Weight  float64
	// Code and Name are loaded.
	Code, Name string
}

// Validate checks the cycle's own fields.
func (c *Cycle) Validate() error {
	if !validCode(c.Code, 64) {
		return invalid("code", "cycle.code_invalid", "code must be 1–64 letters, digits, '_', '-' or '.'")
	}
	if e := checkText("name", "cycle.name", "name", c.Name, 200); e != nil {
		return e
	}
	if !c.Kind.Valid() {
		return invalid("kind", "cycle.kind_invalid", fmt.Sprintf("unknown kind %q", c.Kind))
	}
	if c.Kind == Special {
		if e := checkText("task", "cycle.task", "task", c.Task, 200); e != nil {
			return e
		}
	} else if c.Task != "" {
		return invalid("task", "cycle.task_not_special", "only a special cycle names a task")
	}
	if c.Subject != SubjectUnit && c.Subject != SubjectPerson {
		return invalid("subject", "cycle.subject_invalid", fmt.Sprintf("unknown subject %q", c.Subject))
	}
	if !validPeriod(c.Period) {
		return invalid("period", "cycle.period_invalid", fmt.Sprintf("%q is not a period (2025, 2025Q3 or 2025-07)", c.Period))
	}
	for _, d := range []struct{ field, v string }{{"starts_on", c.StartsOn}, {"ends_on", c.EndsOn}} {
		if d.v == "" {
			continue
		}
		if t, err := time.Parse(time.DateOnly, d.v); err != nil || t.Format(time.DateOnly) != d.v {
			return invalid(d.field, "cycle.date_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", d.v))
		}
	}
	if c.StartsOn != "" && c.EndsOn != "" && c.EndsOn < c.StartsOn {
		return invalid("ends_on", "cycle.dates_order", "the end is before the start")
	}
	if c.Draws < 0 || c.Draws > MaxDraws {
		e := invalid("draws", "cycle.draws_invalid", fmt.Sprintf("draws must be 0–%d", MaxDraws))
		e.Args = map[string]any{"max": MaxDraws}
		return e
	}
	if len(c.Parts) > 0 {
		if c.Kind != Annual && c.Kind != Term {
			return invalid("parts", "cycle.parts_kind", "only annual and term cycles fold in other cycles")
		}
		if c.FoldIndicator == "" {
			return invalid("fold_indicator", "cycle.fold_indicator_required", "the indicator that receives the folded totals is required")
		}
		seen := map[int64]bool{}
		for _, p := range c.Parts {
			if !(p.Weight > 0) || p.Weight > 1e6 {
				return invalid("parts", "cycle.part_weight", "a part's weight must be positive")
			}
			if seen[p.CycleID] || p.CycleID == c.ID {
				return invalid("parts", "cycle.part_duplicate", "a cycle is folded in twice")
			}
			seen[p.CycleID] = true
		}
	} else if c.FoldIndicator != "" {
		return invalid("fold_indicator", "cycle.fold_without_parts", "a fold indicator needs cycles to fold in")
	}
	slices.Sort(c.EvaluationIDs)
	for i, e := range c.EvaluationIDs {
		if e <= 0 || (i > 0 && e == c.EvaluationIDs[i-1]) {
			return invalid("evaluation_id", "cycle.evaluation_invalid", "an evaluation is unknown or named twice")
		}
	}
	return nil
}

// validPeriod accepts '2025', '2025Q1'…'2025Q4' and '2025-01'…'2025-12'.
func validPeriod(p string) bool {
	if len(p) < 4 || !digits(p[:4]) {
		return false
	}
	switch rest := p[4:]; {
	case rest == "":
		return true
	case len(rest) == 2 && rest[0] == 'Q':
		return rest[1] >= '1' && rest[1] <= '4'
	case len(rest) == 3 && rest[0] == '-' && digits(rest[1:]):
		m, _ := strconv.Atoi(rest[1:])
		return m >= 1 && m <= 12
	}
	return false
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func validCode(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func invalid(field, key, msg string) *errs.Error { return errs.Field(field, key, msg) }

// notFound returns the NotFound error that also answers for objects outside
// the actor's sight.
func notFound(what string) *errs.Error { return errs.NoSuch(what) }

func conflict(key, msg string) *errs.Error { return errs.New(errs.Conflict, key, msg) }

// checkText validates a required text field of at most max characters.
func checkText(field, keyPrefix, what, s string, max int) *errs.Error {
	return errs.CheckText(field, keyPrefix, what, s, max, true)
}
