package outcome

import (
	"context"
	"encoding/json"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Filter selects proposals; zero fields select all.
type Filter struct {
	PersonID int64
	Status   Status
}

const proposalCols = `id, person_id, owner_unit_id, unit_path, rule_code, rule_name, condition, action, year, evidence, status, reason,
	decided_by_name, decided_at, created_at`

// queryProposals reads the proposals where cond holds, newest first, with
// their cadres' names.
func queryProposals(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Proposal, error) {
	var out []*Proposal
	err := db.EachRow(ctx, tx, `SELECT `+proposalCols+` FROM outcome_proposals WHERE `+cond+` ORDER BY created_at DESC, id DESC`, args,
		func(scan func(...any) error) error {
			p := &Proposal{}
			var ev string
			var decided, created int64
			if err := scan(&p.ID, &p.PersonID, &p.OwnerUnitID, &p.UnitPath, &p.RuleCode, &p.RuleName, &p.Condition, &p.Action, &p.Year,
				&ev, &p.Status, &p.Reason, &p.DecidedBy, &decided, &created); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(ev), &p.Evidence); err != nil {
				return fmt.Errorf("proposal %d evidence: %w", p.ID, err)
			}
			if decided != 0 {
				p.DecidedAt = db.Micros(decided)
			}
			p.CreatedAt = db.Micros(created)
			out = append(out, p)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read proposals: %w", err)
	}
	var ids []int64
	for _, p := range out {
		ids = append(ids, p.PersonID)
	}
	ps, err := org.PeopleByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		if pe := ps[p.PersonID]; pe != nil {
			p.Person, p.Unit = pe.Name, pe.UnitName
		}
	}
	return out, nil
}

// Proposals returns the proposals f selects about cadres in the actor's
// scope of ActOutcomeRead (the office, the leaders granted on the scope),
// newest first. A cadre reads none, not even about herself.
func (s *Service) Proposals(ctx context.Context, a *auth.Actor, f Filter) ([]*Proposal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActOutcomeRead)
	sc.Self = false
	if sc.Empty() {
		return nil, errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActOutcomeRead))
	}
	var out []*Proposal
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := sc.SQL("unit_path", &args)
		if f.PersonID != 0 {
			cond += " AND person_id = " + db.Arg(&args, f.PersonID)
		}
		if f.Status != "" {
			cond += " AND status = " + db.Arg(&args, f.Status)
		}
		var err error
		out, err = queryProposals(ctx, tx, cond, args)
		return err
	})
	return out, err
}

// Proposal returns proposal id; NotFound for one the actor may not read.
func (s *Service) Proposal(ctx context.Context, a *auth.Actor, id int64) (*Proposal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var p *Proposal
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		p, err = s.readableProposal(ctx, tx, a, id)
		return err
	})
	return p, err
}

// readableProposal reads proposal id if a may read it.
func (s *Service) readableProposal(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Proposal, error) {
	ps, err := queryProposals(ctx, tx, `id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, 0, []string{ps[0].UnitPath}) != nil {
		return nil, errs.NoSuch("proposal")
	}
	return ps[0], nil
}
