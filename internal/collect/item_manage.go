package collect

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// The assessment office manages the data items of the departments in its
// jurisdiction: it lists them, defines and redefines them and sets their
// deadlines. The methods here are the office's view; Items and Item stay
// the catalogue every signed-in user reads.

// Deadline is the date by which the values of an item for a period are due.
type Deadline struct {
	Period string
	// Due is 'YYYY-MM-DD', in Beijing time.
	Due string
}

// ManagedItem is an item with its deadlines, as the office edits it.
type ManagedItem struct {
	Item      *Item
	Deadlines []Deadline
}

// ManagedItems lists the items the actor may define (ActItemWrite on their
// owner), filtered by f (Submittable is ignored). With f.OwnerID set, the
// actor needs ActItemWrite on that unit: NotFound outside its sight,
// Forbidden when it may see the unit but not manage its items. Without it,
// the actor needs ActItemWrite somewhere.
func (s *Service) ManagedItems(ctx context.Context, a *auth.Actor, f ItemFilter) ([]*Item, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	scope := s.pol.Scope(a, auth.ActItemWrite)
	if f.OwnerID != 0 {
		err := s.db.View(ctx, func(tx *db.Tx) error {
			path, err := unitPath(ctx, tx, f.OwnerID)
			if err != nil {
				return err
			}
			return s.pol.Authorize(a, auth.ActItemWrite, path)
		})
		if err != nil {
			return nil, err
		}
	} else if err := s.pol.RequireAny(a, auth.ActItemWrite); err != nil {
		return nil, err
	}
	f.Submittable = false
	items, err := s.Items(ctx, a, f)
	if err != nil {
		return nil, err
	}
	out := items[:0]
	for _, it := range items {
		if scope.Contains(it.OwnerPath) {
			out = append(out, it)
		}
	}
	return out, nil
}

// ManagedItem returns the item with code and its deadlines, newest period
// first. The actor needs ActItemWrite on the item's owner.
func (s *Service) ManagedItem(ctx context.Context, a *auth.Actor, code string) (*ManagedItem, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &ManagedItem{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		it, err := getItem(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActItemWrite, it.OwnerPath); err != nil {
			return err
		}
		out.Item = it
		rows, err := tx.QueryContext(ctx, `SELECT period, due_date FROM collect_deadlines WHERE item_code = $1
			ORDER BY period DESC`, code)
		if err != nil {
			return fmt.Errorf("list deadlines of %s: %w", code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var d Deadline
			if err := rows.Scan(&d.Period, &d.Due); err != nil {
				return fmt.Errorf("list deadlines of %s: %w", code, err)
			}
			out.Deadlines = append(out.Deadlines, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ItemOwners lists the department units an item may be given to: the
// provider departments where the actor may define items, by their place in
// the tree.
func (s *Service) ItemOwners(ctx context.Context, a *auth.Actor) ([]*Owner, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	scope := s.pol.Scope(a, auth.ActItemWrite)
	if err := s.pol.RequireAny(a, auth.ActItemWrite); err != nil {
		return nil, err
	}
	var out []*Owner
	err := s.db.View(ctx, func(tx *db.Tx) error {
		us, err := org.ListUnits(ctx, tx, org.UnitQuery{Scope: &scope, Kind: org.KindDepartment})
		for _, u := range us {
			out = append(out, &Owner{ID: u.ID, Code: u.Code, Name: u.Name, Path: u.Path})
		}
		return err
	})
	return out, err
}

// unitPath reads the path of a unit; NotFound when there is none.
func unitPath(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	u, err := unitOf(ctx, tx, id, "unit")
	if err != nil {
		return "", err
	}
	return u.Path, nil
}

// unitOf reads a unit; NotFound naming what (e.g. "department") when there
// is none.
func unitOf(ctx context.Context, tx *db.Tx, id int64, what string) (*org.Unit, error) {
	u, err := org.GetUnit(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.NoSuch(what)
	}
	return u, err
}
