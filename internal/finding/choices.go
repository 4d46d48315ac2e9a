package finding

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Choices are what the forms of the finding pages offer an actor.
type Choices struct {
	// Bodies are those the actor records as, with their jurisdictions.
	Bodies []*Body
	// Units are the units of the bodies' jurisdictions, in tree order: what
	// a finding may be about.
	Units []*org.Unit
	// Unit is the unit asked about, when it is one of Units; People are
	// the cadres who served in its subtree: those placed in the unit
	// itself first, then by unit and name.
	Unit   *org.Unit
	People []*org.Person
	// Regions are the regions down to counties that the actor reads
	// findings in, in tree order: the list's filter by place.
	Regions []*org.Unit
}

// Limits of the choices.
const (
	maxUnitChoices   = 2000
	maxPeopleChoices = 1000
)

// Choices returns what the forms offer a: its bodies, the units of their
// jurisdictions, and — for unitID, when it lies in one — the cadres who
// served in that unit's subtree; and the regions of its finding sight.
// An actor who reads no findings gets the List's refusal.
func (s *Service) Choices(ctx context.Context, a *auth.Actor, unitID int64) (*Choices, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sg := s.sightOf(a)
	if sg.empty() {
		return nil, s.pol.RequireAny(a, auth.ActFindingRead)
	}
	out := &Choices{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if out.Bodies, err = actorBodies(ctx, tx, a); err != nil {
			return err
		}
		var jur []string
		for _, b := range out.Bodies {
			jur = append(jur, b.Scope)
		}
		if len(jur) > 0 {
			if out.Units, err = org.ListUnits(ctx, tx, org.UnitQuery{Scope: &auth.Scope{Subtrees: outermost(jur)}}); err != nil {
				return err
			}
			out.Units = out.Units[:min(len(out.Units), maxUnitChoices)]
		}
		if unitID != 0 {
			i := slices.IndexFunc(out.Units, func(u *org.Unit) bool { return u.ID == unitID })
			if i < 0 {
				return errs.NoSuch("unit")
			}
			out.Unit = out.Units[i]
			if out.People, err = org.PeopleServedUnder(ctx, tx, out.Unit.Path, maxPeopleChoices); err != nil {
				return err
			}
			own := out.Unit.ID
			slices.SortStableFunc(out.People, func(x, y *org.Person) int {
				if (x.UnitID == own) != (y.UnitID == own) {
					if x.UnitID == own {
						return -1
					}
					return 1
				}
				return cmp.Or(strings.Compare(x.UnitName, y.UnitName), strings.Compare(x.Name, y.Name))
			})
		}
		sight := sg.units
		sight.Subtrees = outermost(append(slices.Clone(sight.Subtrees), jur...))
		if sight.All || len(sight.Subtrees) > 0 {
			regions, err := org.ListUnits(ctx, tx, org.UnitQuery{Scope: &sight, Kind: org.KindRegion})
			if err != nil {
				return err
			}
			for _, u := range regions {
				if u.Level != org.LevelTownship && len(out.Regions) < maxUnitChoices {
					out.Regions = append(out.Regions, u)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// outermost drops paths inside another of the list, and repeats.
func outermost(paths []string) []string {
	slices.Sort(paths)
	var out []string
	for _, p := range paths {
		if len(out) == 0 || !strings.HasPrefix(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}
