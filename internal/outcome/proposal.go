package outcome

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/expr-lang/expr"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Status is where a proposal stands.
type Status string

// The statuses.
const (
	Pending  Status = "pending"
	Adopted  Status = "adopted"  // 采纳
	Rejected Status = "rejected" // 不采纳
)

// Proposal is what a rule proposed for a cadre in a year, with the rule as
// it was and the evidence it read, and the decision once taken.
type Proposal struct {
	ID       int64
	PersonID int64
	// Person and Unit name the cadre and her unit (loaded).
	Person, Unit string
	// OwnerUnitID is the office's unit whose rule set proposed it.
	OwnerUnitID int64
	UnitPath    string
	// RuleCode, RuleName and Condition are the rule as it was.
	RuleCode, RuleName, Condition string
	Action                        Action
	Year                          int
	Evidence                      Evidence
	Status                        Status
	// Reason, DecidedBy and DecidedAt say why, who and when it was
	// decided.
	Reason, DecidedBy string
	DecidedAt         time.Time
	CreatedAt         time.Time
}

// Evidence is what a proposal's rule read: every grade of the history
// and, of the year, the active findings, the sanctions with effect and the
// democratic evaluation.
type Evidence struct {
	Grades    []GradeRecord      `json:"grades"`
	Findings  []FindingEvidence  `json:"findings,omitempty"`
	Sanctions []SanctionEvidence `json:"sanctions,omitempty"`
	Vote      *VoteEvidence      `json:"vote,omitempty"`
}

// FindingEvidence is a finding a rule read.
type FindingEvidence struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	FoundOn  string `json:"found_on"`
	Severity string `json:"severity"`
}

// SanctionEvidence is a sanction a rule read.
type SanctionEvidence struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	DecidedOn string `json:"decided_on"`
	Until     string `json:"until"`
}

// VoteEvidence is the evaluation a rule read.
type VoteEvidence struct {
	EvaluationID int64   `json:"evaluation_id"`
	Evaluation   string  `json:"evaluation"`
	Share        float64 `json:"share"`
	Votes        int     `json:"votes"`
}

// evidence is what the rules read of h for its latest year.
func (h *History) evidence() Evidence {
	y := h.Year()
	ev := Evidence{Grades: h.Grades}
	for _, f := range h.yearFindings(y) {
		ev.Findings = append(ev.Findings, FindingEvidence{ID: f.ID, Title: f.Title, FoundOn: f.FoundOn, Severity: string(f.Severity)})
	}
	for _, s := range h.yearSanctions(y) {
		ev.Sanctions = append(ev.Sanctions, SanctionEvidence{ID: s.ID, Kind: string(s.Kind), DecidedOn: s.DecidedOn, Until: s.Until()})
	}
	if v := h.yearVote(y); v != nil {
		ev.Vote = &VoteEvidence{EvaluationID: v.EvaluationID, Evaluation: v.Evaluation, Share: v.Share, Votes: v.Votes}
	}
	return ev
}

// Matches returns the enabled rules of rules whose condition holds for
// env, in their order. A history without a grade matches nothing.
func Matches(rules []Rule, env Env) ([]Rule, error) {
	if env.Year == 0 {
		return nil, nil
	}
	var out []Rule
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		prog, err := compile(r.Condition)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.Code, err)
		}
		v, err := expr.Run(prog, env)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.Code, err)
		}
		if v.(bool) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Propose runs the rule set of the office of unit id over the history of
// every cadre placed under the unit and records a pending proposal for
// each match not proposed before (one per cadre, rule and year), with its
// evidence. It returns the new proposals.
func (s *Service) Propose(ctx context.Context, a *auth.Actor, unitID int64) ([]*Proposal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Proposal
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.ruleUnit(ctx, tx, a, unitID, auth.ActOutcomeDecide)
		if err != nil {
			return err
		}
		rules, err := rulesOf(ctx, tx, unitID)
		if err != nil {
			return err
		}
		people, err := org.ListPeople(ctx, tx, org.PeopleQuery{Under: u.Path})
		if err != nil {
			return err
		}
		for _, pe := range people {
			h, err := loadHistory(ctx, tx, pe.ID)
			if err != nil {
				return err
			}
			ms, err := Matches(rules, h.Env())
			if err != nil {
				return err
			}
			for _, r := range ms {
				p, err := s.insertProposal(ctx, tx, a, pe, unitID, r, h)
				if err != nil {
					return err
				}
				if p != nil {
					out = append(out, p)
				}
			}
		}
		return nil
	})
	return out, err
}

// insertProposal records rule r's proposal for cadre pe unless one of the
// same rule and year exists; nil then.
func (s *Service) insertProposal(ctx context.Context, tx *db.Tx, a *auth.Actor, pe *org.Person, owner int64, r Rule, h *History) (*Proposal, error) {
	y := h.Year()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outcome_proposals WHERE person_id = $1 AND rule_code = $2 AND year = $3`,
		pe.ID, r.Code, y).Scan(&n); err != nil {
		return nil, fmt.Errorf("read proposals: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	paths, err := org.PersonPaths(ctx, tx, []int64{pe.ID}, false)
	if err != nil {
		return nil, err
	}
	path := ""
	if ps := paths[pe.ID]; len(ps) > 0 {
		path = ps[0]
	}
	p := &Proposal{ID: db.NewID(), PersonID: pe.ID, Person: pe.Name, Unit: pe.UnitName, OwnerUnitID: owner, UnitPath: path,
		RuleCode: r.Code, RuleName: r.Name, Condition: r.Condition, Action: r.Action, Year: y, Evidence: h.evidence(),
		Status: Pending, CreatedAt: tx.Now}
	ev, err := json.Marshal(p.Evidence)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outcome_proposals (id, person_id, owner_unit_id, unit_path, rule_code, rule_name,
		condition, action, year, evidence, status, reason, decided_by, decided_by_name, decided_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', 0, '', 0, $12)`, p.ID, p.PersonID, owner, path, p.RuleCode,
		p.RuleName, p.Condition, p.Action, y, string(ev), p.Status, tx.Now.UnixMicro()); err != nil {
		return nil, fmt.Errorf("insert proposal: %w", err)
	}
	return p, auth.Record(ctx, tx, a, audit.Event{Action: "outcome.propose", ObjectType: "outcome_proposal", ObjectID: db.FormatID(p.ID),
		UnitPath: path, After: map[string]any{"person": db.FormatID(p.PersonID), "rule": p.RuleCode, "condition": p.Condition,
			"action": p.Action, "year": y}})
}

// Decide records the decision on pending proposal id: adopted (采纳) or
// not (不采纳), with the reason, which is required. The office of the
// cadre's units may (ActOutcomeDecide).
func (s *Service) Decide(ctx context.Context, a *auth.Actor, id int64, adopt bool, reason string) (*Proposal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var p *Proposal
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = s.readableProposal(ctx, tx, a, id); err != nil {
			return err
		}
		if _, err := s.mayDecide(ctx, tx, a, p.PersonID); err != nil {
			return err
		}
		if e := errs.CheckText("reason", "outcome.reason", "reason", reason, 500, true); e != nil {
			return e
		}
		if p.Status != Pending {
			return errs.New(errs.Conflict, "outcome.proposal.decided", "the proposal is decided")
		}
		p.Status, p.Reason, p.DecidedBy, p.DecidedAt = Rejected, reason, nameOf(a), tx.Now
		if adopt {
			p.Status = Adopted
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outcome_proposals SET status = $2, reason = $3, decided_by = $4, decided_by_name = $5,
			decided_at = $6 WHERE id = $1`, id, p.Status, reason, a.UserID, p.DecidedBy, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("decide proposal: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.decide", ObjectType: "outcome_proposal", ObjectID: db.FormatID(id),
			UnitPath: p.UnitPath, Before: map[string]any{"status": Pending}, After: map[string]any{"status": p.Status,
				"person": db.FormatID(p.PersonID), "rule": p.RuleCode, "action": p.Action}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// mayDecide checks that a may decide about person id, on her current
// units — a cadre's Self reach never covers it — and returns the path of
// the first unit of hers the actor reaches, for the audit log.
func (s *Service) mayDecide(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (string, error) {
	paths, err := org.PersonPaths(ctx, tx, []int64{id}, false)
	if err != nil {
		return "", err
	}
	if err := s.pol.AuthorizePerson(a, auth.ActOutcomeDecide, 0, paths[id]); err != nil {
		return "", err
	}
	for _, p := range paths[id] {
		if s.pol.Authorize(a, auth.ActOutcomeDecide, p) == nil {
			return p, nil
		}
	}
	return "", nil
}
