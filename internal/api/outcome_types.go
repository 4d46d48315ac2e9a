package api

import (
	"time"

	"kaohe/internal/db"
	"kaohe/internal/outcome"
)

// Proposal is what a rule proposed for a cadre, with its evidence and
// the decision once taken.
type Proposal struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`
	Person   string `json:"person"`
	Unit     string `json:"unit"`
	// Rule, RuleName and Condition are the rule as it was when it
	// proposed; Action is a code docs/api.md lists.
	Rule      string           `json:"rule"`
	RuleName  string           `json:"rule_name"`
	Condition string           `json:"condition"`
	Action    string           `json:"action"`
	Year      int              `json:"year"`
	Evidence  outcome.Evidence `json:"evidence"`
	// Status is pending, adopted or rejected; DecidedBy, DecidedAt and
	// Reason say who, when and why.
	Status    string     `json:"status"`
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// ProposalList is a list of proposals.
type ProposalList struct {
	Proposals []Proposal `json:"proposals"`
}

// DecisionIn decides a proposal: adopt (采纳) or not, with the reason.
type DecisionIn struct {
	Adopt  bool   `json:"adopt"`
	Reason string `json:"reason"`
}

func toProposal(p *outcome.Proposal) Proposal {
	out := Proposal{ID: db.FormatID(p.ID), PersonID: db.FormatID(p.PersonID), Person: p.Person, Unit: p.Unit, Rule: p.RuleCode,
		RuleName: p.RuleName, Condition: p.Condition, Action: string(p.Action), Year: p.Year, Evidence: p.Evidence,
		Status: string(p.Status), DecidedBy: p.DecidedBy, Reason: p.Reason, CreatedAt: p.CreatedAt.UTC()}
	if !p.DecidedAt.IsZero() {
		t := p.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	return out
}
