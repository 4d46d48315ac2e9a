package finding

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Review is the review of a finding as its page shows it to one actor:
// its exemptions, its clarification, and what the actor may do next.
type Review struct {
	FindingID int64
	Status    Status
	// Exemptions are the applications, newest first: all of them for the
	// body and the office, a named cadre's own and her unit's for her.
	Exemptions []*Exemption
	// Clarification is the finding's, nil for none.
	Clarification *Clarification
	// Apply says the actor may apply for an exemption now; ApplyFor are
	// the cadres it may apply for (its own person for a cadre; every cadre
	// named for the office, who may also apply for the unit: UnitApply).
	Apply     bool
	ApplyFor  []Named
	UnitApply bool
	// Next is the step the actor may take of the review under way, ""
	// for none; Open the review under way, nil for none.
	Next Step
	Open *Exemption
	// Clarify says the actor may clear the finding.
	Clarify bool
}

// Review returns the review of finding id to whoever may read the
// finding; anyone else gets NotFound.
func (s *Service) Review(ctx context.Context, a *auth.Actor, id int64) (*Review, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Review
	err := s.db.View(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayRead(a, f); err != nil {
			return err
		}
		r := &Review{FindingID: f.ID, Status: f.Status}
		es, err := exemptionsOf(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		named := !s.readsWhole(a, f)
		for _, e := range es {
			if !named || e.PersonID == 0 || e.PersonID == a.PersonID {
				r.Exemptions = append(r.Exemptions, e)
			}
			if e.Open() {
				r.Open = e
			}
		}
		cs, err := clarificationsOf(ctx, tx, []int64{f.ID})
		if err != nil {
			return err
		}
		r.Clarification = cs[f.ID]
		if f.Status == Active && f.Notified() && r.Open == nil {
			for _, p := range f.People {
				if s.mayApply(a, f, p.ID) == nil {
					r.ApplyFor = append(r.ApplyFor, p)
				}
			}
			r.UnitApply = s.mayApply(a, f, 0) == nil
			r.Apply = r.UnitApply || len(r.ApplyFor) > 0
		}
		if r.Open != nil && f.Status != Voided && s.pol.Authorize(a, auth.ActExemptionReview, f.unitPath) == nil {
			r.Next = r.Open.Next()
		}
		r.Clarify = f.Status != Voided && s.mayClarify(a, f) == nil
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// State is how a finding stands in a cadre's integrity archive.
type State string

// The states.
const (
	StateCounted  State = "counted"  // 计入: it counts in the cycles of its period
	StateExempted State = "exempted" // 已免责
	StateCleared  State = "cleared"  // 已澄清: voided by a clarification
)

// StateOf is the archive state of a finding of status st.
func StateOf(st Status) State {
	switch st {
	case Exempted:
		return StateExempted
	case Voided:
		return StateCleared
	}
	return StateCounted
}

// Archive is a cadre's integrity archive (廉政档案): the findings that
// name her with their state, exemptions and clarifications.
type Archive struct {
	PersonID int64
	Entries  []ArchiveEntry
}

// ArchiveEntry is a finding of an archive.
type ArchiveEntry struct {
	Finding *Finding
	State   State
	// Exemptions are the applications for her or her unit, newest first.
	Exemptions    []*Exemption
	Clarification *Clarification
}

// archiveLimit bounds the findings an archive lists.
const archiveLimit = 200

// Integrity returns the integrity archive of person id: to the cadre
// herself the findings that name her once notified, to the office the
// findings about its jurisdiction that name her (when it reads the
// person). Anyone else — a body, the team, a viewer, a provider — gets
// NotFound: the archive is the cadre's and the office's only.
func (s *Service) Integrity(ctx context.Context, a *auth.Actor, id int64) (*Archive, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	own := a.PersonID == id && s.pol.AuthorizePerson(a, auth.ActFindingRead, id, nil) == nil
	units := s.pol.Scope(a, auth.ActFindingRead)
	units.Self = false
	if !own && units.Empty() {
		return nil, errs.NoSuch("person")
	}
	out := &Archive{PersonID: id}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if !own {
			if err := s.mayReadPerson(ctx, tx, a, id); err != nil {
				return err
			}
		}
		args := []any{id}
		cond := "f.notified_on <> ''"
		if !own {
			cond = org.UnitInScopeSQL("f.unit_id", units, &args)
		}
		fs, err := queryFindings(ctx, tx, `SELECT `+findingCols+` FROM findings f JOIN finding_people p ON p.finding_id = f.id
			WHERE p.person_id = $1 AND `+cond+fmt.Sprintf(` ORDER BY f.found_on DESC, f.id DESC LIMIT %d`, archiveLimit), args)
		if err != nil {
			return err
		}
		var ids []int64
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
		cs, err := clarificationsOf(ctx, tx, ids)
		if err != nil {
			return err
		}
		var es []*Exemption
		if len(ids) > 0 {
			var eargs []any
			if es, err = queryExemptions(ctx, tx, `SELECT `+exemptionCols+` FROM finding_exemptions WHERE finding_id IN (`+
				db.In(&eargs, ids)+`) ORDER BY created_at DESC, id DESC`, eargs...); err != nil {
				return err
			}
		}
		for _, f := range fs {
			en := ArchiveEntry{Finding: f, State: StateOf(f.Status), Clarification: cs[f.ID]}
			for _, e := range es {
				if e.FindingID == f.ID && (e.PersonID == 0 || e.PersonID == id) {
					en.Exemptions = append(en.Exemptions, e)
				}
			}
			if own {
				f.People = onlyMe(f.People, id)
			}
			out.Entries = append(out.Entries, en)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayReadPerson returns nil when a may read person id by the units of its
// posts, past and present; NotFound otherwise.
func (s *Service) mayReadPerson(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) error {
	paths, err := org.PersonPaths(ctx, tx, []int64{id}, true)
	if err != nil {
		return err
	}
	if s.pol.AuthorizePerson(a, auth.ActPersonRead, id, paths[id]) != nil {
		return errs.NoSuch("person")
	}
	return nil
}
