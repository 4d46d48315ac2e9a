package track

import (
	"context"
	"sort"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// Owner is someone whose commitments the actor may file: a unit's team, or
// a cadre in a unit, with the items the unit reports.
type Owner struct {
	Kind             OwnerKind
	UnitID, PersonID int64
	Unit, Person     string
	Items            []*collect.Item
}

// maxOwnerUnits is the most teams the filing form offers.
const maxOwnerUnits = 300

// Owners lists whose commitments the actor may file: the actor herself (a
// cadre, in the units of her posts) and the teams of the regions she may
// write for (a cadre her unit's, the office its regions), each with the
// unit items its unit reports, for the filing form.
func (s *Service) Owners(ctx context.Context, a *auth.Actor) ([]*Owner, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Owner
	err := s.db.View(ctx, func(tx *db.Tx) error {
		items, err := collect.Catalogue(ctx, tx)
		if err != nil {
			return err
		}
		reported := func(u *org.Unit) []*collect.Item {
			var its []*collect.Item
			for _, it := range items {
				if reports(it, u) && it.EntityKind == collect.EntityUnit && it.Code != ItemTeamDelivery {
					its = append(its, it)
				}
			}
			return its
		}
		if a.PersonID != 0 {
			paths, err := org.PersonPaths(ctx, tx, []int64{a.PersonID}, false)
			if err != nil {
				return err
			}
			ps, err := org.PeopleByID(ctx, tx, []int64{a.PersonID})
			if err != nil {
				return err
			}
			if p := ps[a.PersonID]; p != nil {
				us, err := org.UnitsByID(ctx, tx, []int64{p.UnitID})
				if err != nil {
					return err
				}
				if u := us[p.UnitID]; u != nil && len(paths[a.PersonID]) > 0 &&
					s.pol.AuthorizePerson(a, auth.ActCommitmentWrite, a.PersonID, paths[a.PersonID]) == nil {
					out = append(out, &Owner{Kind: OwnerPerson, UnitID: u.ID, PersonID: p.ID, Unit: u.Name, Person: p.Name, Items: reported(u)})
				}
			}
		}
		sc := s.pol.Scope(a, auth.ActTeamCommitmentWrite)
		if sc.Empty() {
			return nil
		}
		us, err := org.ListUnits(ctx, tx, org.UnitQuery{Scope: &sc, Kind: org.KindRegion, Limit: maxOwnerUnits})
		if err != nil {
			return err
		}
		sort.SliceStable(us, func(i, j int) bool { return us[i].Path < us[j].Path })
		for _, u := range us {
			out = append(out, &Owner{Kind: OwnerUnit, UnitID: u.ID, Unit: u.Name, Items: reported(u)})
		}
		return nil
	})
	return out, err
}
