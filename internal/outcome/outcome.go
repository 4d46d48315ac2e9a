// Package outcome is the use of results (结果运用, R7, R8.4): rules written
// in expr over a cadre's history — annual grades from published cycles and
// the paper archive, findings, sanctions — propose rewards and measures
// (记三等功, 晋升职级, 诫勉谈话, 调整岗位, 辞退, 组织核查) with their evidence,
// and a person decides each (采纳 / 不采纳) with a reason; the lifelong
// archive (干部实绩档案) shows a cadre's record as it is or as it was known
// on a chosen day; a handover (离任交接) gives a post's open items to its
// successor and is signed by both.
//
// The package reads grades through cycle.PersonGrades and findings and
// sanctions through package finding, in its own transaction; it runs SQL on
// its own tables only (docs/decisions/0170-outcome-rules.md).
package outcome

import (
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service proposes, decides and reads the use of results. Each method
// checks the actor against the policy, runs in one transaction and records
// an audit event for every change.
type Service struct {
	db  *db.DB
	pol auth.Policy
}

// NewService returns a Service on d that asks pol who may do what.
func NewService(d *db.DB, pol auth.Policy) *Service {
	return &Service{db: d, pol: pol}
}

// Action is what a rule proposes.
type Action string

// The actions.
const (
	ActMerit     Action = "merit_third" // 记三等功
	ActPromotion Action = "promotion"   // 具备晋升职级、档次资格
	ActAdmonish  Action = "admonish"    // 诫勉谈话，次年不得晋升
	ActAdjust    Action = "adjust_post" // 调整岗位
	ActDismiss   Action = "dismiss"     // 辞退
	ActReview    Action = "review"      // 组织核查
	ActReserve   Action = "reserve"     // 推荐进入储备库
)

// Actions lists the actions in the order the interface shows them.
var Actions = []Action{ActMerit, ActPromotion, ActReserve, ActAdmonish, ActAdjust, ActDismiss, ActReview}

// Valid reports whether x is a known action.
func (x Action) Valid() bool { return slices.Contains(Actions, x) }

// Reward reports whether the action is a reward (表彰奖励), which the
// archive lists under rewards once adopted.
func (x Action) Reward() bool { return x == ActMerit }

// signedIn refuses a nil actor.
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	return nil
}

// nameOf is the actor's name as the pages show who decided or recorded:
// its display name, else its audit name.
func nameOf(a *auth.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.AuditName()
}
