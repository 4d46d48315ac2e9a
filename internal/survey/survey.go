// Package survey runs democratic evaluations (民主测评) and public
// satisfaction surveys: questionnaires, rater groups, one-time ballot codes,
// ballots, validity rules and the tallies that become the scoring engine's
// rating inputs.
//
// Raters are anonymous by construction. A ballot row holds a crypto-random
// ID, its evaluation, its rater group, the day it was written and its
// answers: nothing that names or orders it by a code, a rater, a device or
// an address. A code is only marked used, as a bit in a per-group set, so the
// order in which codes were used is kept nowhere. A ballot is stored sealed
// under a key kept outside the database and opened into ballots only in
// batches of at least the minimum group size, so that not even the
// database's write-ahead log ties a ballot to fewer codes
// (docs/decisions/0160-ballots-sealed-until-batched.md). Results stay hidden until
// the evaluation is closed, and a rater group below the minimum size is never
// shown on its own. Closing rewrites the evaluation's ballots in the order of
// their random IDs, so that even the physical order of the rows stops
// following the order they were cast in (docs/decisions/0070-ballot-anonymity.md).
package survey

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service runs evaluations. Organiser methods take an actor and check the
// policy; the ballot and public-survey methods take none, because raters
// never sign in.
type Service struct {
	db    *db.DB
	pol   auth.Policy
	guard *guard
	// writer lets one write transaction of this service at a time reach
	// SQLite, whose single write lock would otherwise make concurrent
	// writers poll it with growing sleeps (see write).
	writer chan struct{}
	// cache holds evaluations that have opened (id → *Evaluation): their
	// subjects, groups and rules no longer change, so the ballot pages
	// read them once.
	cache sync.Map
	// mu guards pending, the ballots waiting for the group commit on
	// SQLite (see Submit).
	mu      sync.Mutex
	pending []*pendingBallot
	// keys seal the ballots of open evaluations until they are opened
	// in batches.
	keys keyStore
}

// NewService returns a Service on d that asks pol who may do what.
func NewService(d *db.DB, pol auth.Policy) *Service {
	return &Service{db: d, pol: pol, guard: newGuard(), writer: make(chan struct{}, 1)}
}

// write runs fn in a write transaction. On SQLite the service's writers
// queue here, in memory, instead of on the database's busy handler, which
// retries after sleeps of up to 100 ms: under a meeting hall's burst of
// ballots that queue is what keeps every submission fast. PostgreSQL takes
// row locks and needs no queue.
func (s *Service) write(ctx context.Context, fn func(tx *db.Tx) error) error {
	if s.db.Engine == db.SQLite {
		select {
		case s.writer <- struct{}{}:
			defer func() { <-s.writer }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.db.InTx(ctx, fn)
}

// Kind is the kind of an evaluation.
type Kind string

// Evaluation kinds.
const (
	// KindEvaluation is a democratic evaluation with ballot codes.
	KindEvaluation Kind = "evaluation"
	// KindSatisfaction is a public satisfaction survey through a public
	// link (codes may be issued too, e.g. for service recipients).
	KindSatisfaction Kind = "satisfaction"
)

// Status is where an evaluation is in its life.
type Status string

// Statuses: draft (being set up), open (ballots accepted), closed (results
// visible, no more ballots).
const (
	StatusDraft  Status = "draft"
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// GroupCode is a rater group (评议人类别).
type GroupCode string

// The rater groups.
const (
	GroupSuperior    GroupCode = "superior"    // 上级
	GroupPeer        GroupCode = "peer"        // 同级
	GroupSubordinate GroupCode = "subordinate" // 下级
	GroupClient      GroupCode = "client"      // 服务对象
	GroupPublic      GroupCode = "public"      // 群众
	GroupThirdParty  GroupCode = "third_party" // 第三方
)

// GroupCodes lists the rater groups in the order the interface shows them.
var GroupCodes = []GroupCode{GroupSuperior, GroupPeer, GroupSubordinate, GroupClient, GroupPublic, GroupThirdParty}

// Valid reports whether g is a known rater group.
func (g GroupCode) Valid() bool {
	for _, k := range GroupCodes {
		if g == k {
			return true
		}
	}
	return false
}

// Group is a rater group of an evaluation and its weight.
type Group struct {
	Code   GroupCode
	Weight float64
}

// SubjectKind is what a subject is.
type SubjectKind string

// Subject kinds.
const (
	SubjectTeam   SubjectKind = "team"   // a leadership team (领导班子), by its unit
	SubjectCadre  SubjectKind = "cadre"  // a cadre, by person
	SubjectRegion SubjectKind = "region" // a region, for public satisfaction
)

// Subject is what a ballot rates.
type Subject struct {
	ID   int64
	Kind SubjectKind
	// UnitID is the team's or region's unit, or the unit of the cadre's
	// post.
	UnitID int64
	// PersonID is the cadre, 0 for teams and regions.
	PersonID int64
	// Name and Detail are what the ballot shows (e.g. 张三, 县委书记);
	// filled from the database when the evaluation is created.
	Name, Detail string
	// Questionnaire is the template code: team, cadre, score or
	// satisfaction.
	Questionnaire string
}

// Entity is the engine entity ID of the subject: the decimal ID of the
// person for a cadre and of the unit for a team or region.
func (s *Subject) Entity() string {
	if s.Kind == SubjectCadre {
		return strconv.FormatInt(s.PersonID, 10)
	}
	return strconv.FormatInt(s.UnitID, 10)
}

// Q returns the subject's questionnaire.
func (s *Subject) Q() *Questionnaire { return Questionnaires[s.Questionnaire] }

// Question is an extra multiple-choice question the organisers add to a
// public survey (e.g. 所在乡镇). It is the only personal data a public
// survey keeps, and only when the organisers configure it.
type Question struct {
	Code    string
	Label   string
	Options []string
}

// Rules are an evaluation's validity rules and tally settings.
type Rules struct {
	// MinGroupSize: a rater group with fewer valid ballots is never shown
	// on its own and is left out of the tallies (the engine's
	// RatingPolicy.MinGroupSize). Default 5.
	MinGroupSize int `json:"min_group_size"`
	// TrimAbove: scores of a group with more raters drop the highest and
	// the lowest (the engine's RatingPolicy.TrimAbove; 0 means 5, negative
	// never).
	TrimAbove int `json:"trim_above,omitempty"`
	// UniformTopInvalid makes a ballot that gives every subject it rates
	// (two or more) the top grade, or a score of 100, on the overall item
	// invalid.
	UniformTopInvalid bool `json:"uniform_top_invalid,omitempty"`
	// MaxTop, when positive, makes a ballot that gives more than MaxTop
	// cadres the top overall grade invalid (e.g. at most 2 优秀).
	MaxTop int `json:"max_top,omitempty"`
	// Questions are the extra questions of a public survey.
	Questions []Question `json:"questions,omitempty"`
	// PublicPerHour caps the public answers accepted from one network
	// address in an hour. Default 30.
	PublicPerHour int `json:"public_per_hour,omitempty"`
}

// Default rule values.
const (
	DefaultMinGroupSize  = 5
	DefaultPublicPerHour = 30
)

// Evaluation is a democratic evaluation or a public satisfaction survey.
type Evaluation struct {
	ID int64
	// UnitID is the organising unit; its subtree holds the subjects.
	UnitID int64
	// UnitPath and UnitName describe UnitID, filled on reads.
	UnitPath, UnitName string
	Kind               Kind
	// Title is e.g. 2025年度青州市领导班子和领导干部民主测评.
	Title string
	// Period is the assessment period, e.g. 2025.
	Period string
	Status Status
	Rules  Rules
	// Groups are the rater groups and weights, in display order.
	Groups []Group
	// Subjects are what is rated, in ballot order.
	Subjects []Subject
	// PublicToken is the token of a public survey's link (/s/{token}),
	// set when a satisfaction survey opens.
	PublicToken string
	OpenedAt    time.Time
	ClosedAt    time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the evaluation's own fields.
func (e *Evaluation) Validate() error {
	if err := errs.CheckText("title", "survey.title", "title", e.Title, 100, true); err != nil {
		return err
	}
	if err := errs.CheckText("period", "survey.period", "period", e.Period, 20, true); err != nil {
		return err
	}
	if e.Kind != KindEvaluation && e.Kind != KindSatisfaction {
		return errs.Field("kind", "survey.kind_invalid", fmt.Sprintf("kind %q is not evaluation or satisfaction", e.Kind))
	}
	if len(e.Groups) == 0 {
		return errs.Field("groups", "survey.groups_required", "at least one rater group is needed")
	}
	seen := map[GroupCode]bool{}
	sum := 0.0
	for _, g := range e.Groups {
		if !g.Code.Valid() {
			return errs.Field("groups", "survey.group_invalid", fmt.Sprintf("unknown rater group %q", g.Code))
		}
		if seen[g.Code] {
			return errs.Field("groups", "survey.group_duplicate", fmt.Sprintf("rater group %q twice", g.Code))
		}
		seen[g.Code] = true
		if !(g.Weight >= 0 && g.Weight <= 1000) {
			return errs.Field("weight", "survey.weight_invalid", fmt.Sprintf("weight of %s must be a number from 0 to 1000", g.Code))
		}
		sum += g.Weight
	}
	if !(sum > 0) {
		return errs.Field("weight", "survey.weights_zero", "the rater group weights sum to zero")
	}
	if e.Kind == KindSatisfaction && !seen[GroupPublic] {
		return errs.Field("groups", "survey.public_group_required", "a satisfaction survey needs the public rater group")
	}
	r := &e.Rules
	if r.MinGroupSize < 1 || r.MinGroupSize > 1000 {
		return errs.Field("min_group_size", "survey.min_group_size_invalid", "the minimum group size must be from 1 to 1000")
	}
	if r.MaxTop < 0 {
		return errs.Field("max_top", "survey.max_top_invalid", "the most top grades per ballot must not be negative")
	}
	if r.PublicPerHour < 0 {
		return errs.Field("public_per_hour", "survey.public_per_hour_invalid", "the hourly limit must not be negative")
	}
	for _, q := range r.Questions {
		if err := errs.CheckText("questions", "survey.questions", "questions", q.Label, 60, true); err != nil {
			return err
		}
		if q.Code == "" || len(q.Options) < 2 || len(q.Options) > 50 {
			return errs.Field("questions", "survey.question_invalid", fmt.Sprintf("question %q needs a code and 2 to 50 options", q.Label))
		}
	}
	if len(e.Subjects) > 200 {
		return errs.Field("subjects", "survey.subjects_too_many", "an evaluation rates at most 200 subjects")
	}
	for _, s := range e.Subjects {
		if s.Q() == nil {
			return errs.Field("questionnaire", "survey.questionnaire_invalid", fmt.Sprintf("unknown questionnaire %q", s.Questionnaire))
		}
		switch s.Kind {
		case SubjectTeam, SubjectRegion:
			if s.UnitID == 0 || s.PersonID != 0 {
				return errs.Field("subjects", "survey.subject_invalid", "a team or region subject names a unit and no person")
			}
		case SubjectCadre:
			if s.PersonID == 0 || s.UnitID == 0 {
				return errs.Field("subjects", "survey.subject_invalid", "a cadre subject names a person and the unit of the post")
			}
		default:
			return errs.Field("subjects", "survey.subject_invalid", fmt.Sprintf("unknown subject kind %q", s.Kind))
		}
	}
	return nil
}

// withDefaults fills the rules' defaults.
func (e *Evaluation) withDefaults() {
	if e.Rules.MinGroupSize == 0 {
		e.Rules.MinGroupSize = DefaultMinGroupSize
	}
	if e.Rules.PublicPerHour == 0 {
		e.Rules.PublicPerHour = DefaultPublicPerHour
	}
	for i := range e.Subjects {
		s := &e.Subjects[i]
		if s.Questionnaire == "" {
			switch s.Kind {
			case SubjectTeam:
				s.Questionnaire = QTeam.Code
			case SubjectCadre:
				s.Questionnaire = QCadre.Code
			case SubjectRegion:
				s.Questionnaire = QSatisfaction.Code
			}
		}
	}
}

// Group returns the evaluation's rater group with code, and whether it has it.
func (e *Evaluation) Group(code GroupCode) (Group, bool) {
	for _, g := range e.Groups {
		if g.Code == code {
			return g, true
		}
	}
	return Group{}, false
}

// cst is China Standard Time, the zone of a ballot's day.
var cst = time.FixedZone("CST", 8*3600)

// Day returns the ballot day of t: the date in China Standard Time.
func Day(t time.Time) string { return t.In(cst).Format("2006-01-02") }
