package collect

import (
	"context"
	"fmt"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Owner is a provider department and the items it owns.
type Owner struct {
	ID               int64
	Code, Name, Path string
	Items            []*Item
}

// Owners lists the departments whose items the actor may submit, with
// those items, by the department's place in the tree.
func (s *Service) Owners(ctx context.Context, a *auth.Actor) ([]*Owner, error) {
	items, err := s.Items(ctx, a, ItemFilter{Submittable: true})
	if err != nil {
		return nil, err
	}
	var out []*Owner
	by := map[int64]*Owner{}
	for _, it := range items {
		o := by[it.OwnerID]
		if o == nil {
			o = &Owner{ID: it.OwnerID, Code: it.OwnerCode, Name: it.OwnerName, Path: it.OwnerPath}
			by[it.OwnerID] = o
			out = append(out, o)
		}
		o.Items = append(o.Items, it)
	}
	return out, nil
}

// Cell is the current value of an item for an entity in a grid.
type Cell struct {
	// Applies is false when the item is not collected for the entity.
	Applies bool
	// Has is true when a value is stored.
	Has     bool
	Value   float64
	Version int
	Status  Status
	Flagged bool
}

// GridEntity is a row of a grid.
type GridEntity struct {
	ID         int64
	Code, Name string
}

// Grid is the collection grid of a department for a period: its items of
// that frequency as columns, the entities they are collected for as rows.
type Grid struct {
	Owner    *Owner
	Period   string
	Items    []*Item
	Entities []GridEntity
	// Cells[e][i] is entity e's value of item i.
	Cells [][]Cell
}

// Grid returns the collection grid of the department ownerID for period.
// The actor needs ActValueSubmit on the department. Items about people are
// submitted by file or the API, not in the grid.
func (s *Service) Grid(ctx context.Context, a *auth.Actor, ownerID int64, period string) (*Grid, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	freq := FrequencyOf(period)
	if freq == "" {
		return nil, errs.Field("period", "collect.grid.period_invalid", fmt.Sprintf("%q is not a period such as 2025, 2025Q3 or 2025-07", period))
	}
	g := &Grid{Period: period}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := unitOf(ctx, tx, ownerID, "department")
		if err != nil {
			return err
		}
		o := &Owner{ID: ownerID, Code: u.Code, Name: u.Name, Path: u.Path}
		if err := s.pol.Authorize(a, auth.ActValueSubmit, o.Path); err != nil {
			return err
		}
		g.Owner = o
		items, err := queryItems(ctx, tx, `WHERE i.owner_unit_id = $1 AND i.frequency = $2 AND i.entity_kind = 'unit' ORDER BY i.code`, ownerID, string(freq))
		if err != nil {
			return err
		}
		g.Items = items
		if len(items) == 0 {
			return nil
		}
		// Entities: the units of the jurisdiction some item is collected for.
		us, err := org.ListUnits(ctx, tx, org.UnitQuery{Under: items[0].ScopePath})
		if err != nil {
			return fmt.Errorf("list grid entities: %w", err)
		}
		var paths []string
		var kinds []org.Kind
		var levels []org.Level
		for _, u := range us {
			for _, it := range items {
				if it.Covers(u.Path, u.Kind, u.Level) {
					g.Entities = append(g.Entities, GridEntity{ID: u.ID, Code: u.Code, Name: u.Name})
					paths, kinds, levels = append(paths, u.Path), append(kinds, u.Kind), append(levels, u.Level)
					break
				}
			}
		}
		row := map[int64]int{}
		g.Cells = make([][]Cell, len(g.Entities))
		cells := make([]Cell, len(g.Entities)*len(items))
		for e := range g.Entities {
			row[g.Entities[e].ID] = e
			g.Cells[e] = cells[e*len(items) : (e+1)*len(items)]
			for i, it := range items {
				g.Cells[e][i].Applies = it.Covers(paths[e], kinds[e], levels[e])
			}
		}
		for i, it := range items {
			rows, err := tx.QueryContext(ctx, `SELECT entity_id, value, version, status, flagged FROM data_values
				WHERE item_code = $1 AND period = $2 AND is_current`, it.Code, period)
			if err != nil {
				return fmt.Errorf("read grid values: %w", err)
			}
			for rows.Next() {
				var (
					ent int64
					c   Cell
				)
				if err := rows.Scan(&ent, &c.Value, &c.Version, &c.Status, &c.Flagged); err != nil {
					rows.Close()
					return fmt.Errorf("read grid values: %w", err)
				}
				if e, ok := row[ent]; ok {
					c.Applies, c.Has = g.Cells[e][i].Applies, true
					g.Cells[e][i] = c
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read grid values: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// ItemIndex returns the column of item code, -1 when absent.
func (g *Grid) ItemIndex(code string) int {
	return slices.IndexFunc(g.Items, func(it *Item) bool { return it.Code == code })
}

// Filled counts the cells with a value and the cells that apply.
func (g *Grid) Filled() (filled, total int) {
	for _, row := range g.Cells {
		for _, c := range row {
			if c.Applies {
				total++
				if c.Has {
					filled++
				}
			}
		}
	}
	return filled, total
}

// errNoItems reports a department without items of a period's frequency.
func errNoItems(period string) error {
	e := errs.New(errs.Invalid, "collect.grid.no_items", "the department has no data items collected for period "+period)
	e.Args = map[string]any{"period": period}
	return e
}
