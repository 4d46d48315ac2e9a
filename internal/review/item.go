package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Item is a service item (政务服务事项) of a unit.
type Item struct {
	ID     int64
	UnitID int64
	// Unit is the unit's name (loaded).
	Unit string
	// Code is the item's code in the unit, e.g. the catalogue's 事项编码.
	Code string
	Name string
	// Window is the 窗口 or department that handles the item.
	Window    string
	CreatedAt time.Time
	UpdatedAt time.Time
	unitPath  string
}

// problems checks the item's own fields; row is the import row, 0 for a form.
func (it *Item) problems(row int) errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			e.Row = row
			l.Add(e)
		}
	}
	add(errs.CheckText("code", "review.item.code", "item code", it.Code, 40, true))
	add(errs.CheckText("name", "review.item.name", "item name", it.Name, 100, true))
	add(errs.CheckText("window", "review.item.window", "window", it.Window, 64, false))
	return l
}

func (it *Item) normalise() {
	it.Code, it.Name, it.Window = strings.TrimSpace(it.Code), strings.TrimSpace(it.Name), strings.TrimSpace(it.Window)
}

// SaveItem creates the item, or updates the unit's item of the same code.
// The actor needs ActServiceWrite on the item's unit. Bad input writes
// nothing.
func (s *Service) SaveItem(ctx context.Context, a *auth.Actor, it Item) (*Item, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	it.normalise()
	if l := it.problems(0); len(l) > 0 {
		return nil, l
	}
	var out *Item
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceWrite, it.UnitID)
		if err != nil {
			return err
		}
		out, err = saveItem(ctx, tx, a, u, it)
		return err
	})
	return out, err
}

// saveItem writes it in unit u and records the change.
func saveItem(ctx context.Context, tx *db.Tx, a *auth.Actor, u *org.Unit, it Item) (*Item, error) {
	old, err := itemByCode(ctx, tx, u.ID, it.Code)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	it.Unit, it.unitPath, it.UpdatedAt = u.Name, u.Path, tx.Now
	if old == nil {
		it.ID, it.CreatedAt = db.NewID(), tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_items (id, unit_id, code, name, window_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, it.ID, u.ID, it.Code, it.Name, it.Window, tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("insert service item: %w", err)
		}
		return &it, auth.Record(ctx, tx, a, audit.Event{Action: "review.item.create", ObjectType: "service_item",
			ObjectID: db.FormatID(it.ID), UnitPath: u.Path, After: it.summary()})
	}
	it.ID, it.CreatedAt = old.ID, old.CreatedAt
	if old.Name == it.Name && old.Window == it.Window {
		return old, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE service_items SET name = $2, window_name = $3, updated_at = $4 WHERE id = $1`,
		it.ID, it.Name, it.Window, tx.Now.UnixMicro()); err != nil {
		return nil, fmt.Errorf("update service item: %w", err)
	}
	return &it, auth.Record(ctx, tx, a, audit.Event{Action: "review.item.update", ObjectType: "service_item",
		ObjectID: db.FormatID(it.ID), UnitPath: u.Path, Before: old.summary(), After: it.summary()})
}

func (it *Item) summary() map[string]any {
	return map[string]any{"unit_id": db.FormatID(it.UnitID), "code": it.Code, "name": it.Name, "window": it.Window}
}

const itemColumns = `i.id, i.unit_id, i.code, i.name, i.window_name, i.created_at, i.updated_at`

func scanItem(scan func(...any) error) (*Item, error) {
	var it Item
	var c, u int64
	if err := scan(&it.ID, &it.UnitID, &it.Code, &it.Name, &it.Window, &c, &u); err != nil {
		return nil, err
	}
	it.CreatedAt, it.UpdatedAt = db.Micros(c), db.Micros(u)
	return &it, nil
}

// itemByCode reads unit's item code, NotFound when there is none.
func itemByCode(ctx context.Context, tx *db.Tx, unit int64, code string) (*Item, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM service_items i WHERE i.unit_id = $1 AND i.code = $2`, unit, code)
	it, err := scanItem(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("service item")
	}
	return it, err
}

// itemByID reads item id with its unit, NotFound when there is none.
func itemByID(ctx context.Context, tx *db.Tx, id int64) (*Item, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM service_items i WHERE i.id = $1`, id)
	it, err := scanItem(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("service item")
	}
	if err != nil {
		return nil, err
	}
	u, err := org.GetUnit(ctx, tx, it.UnitID)
	if err != nil {
		return nil, err
	}
	it.Unit, it.unitPath = u.Name, u.Path
	return it, nil
}

// PublicItem reads the item a QR code names, for the public review page:
// its name, window and unit are public. No actor.
func (s *Service) PublicItem(ctx context.Context, id int64) (*Item, error) {
	var out *Item
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		out, err = itemByID(ctx, tx, id)
		return err
	})
	return out, err
}

// Items lists unit id's service items by code. The actor needs
// ActServiceRead on the unit.
func (s *Service) Items(ctx context.Context, a *auth.Actor, unitID int64) ([]*Item, error) {
	var out []*Item
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceRead, unitID)
		if err != nil {
			return err
		}
		return db.EachRow(ctx, tx, `SELECT `+itemColumns+` FROM service_items i WHERE i.unit_id = $1 ORDER BY i.code`,
			[]any{unitID}, func(scan func(...any) error) error {
				it, err := scanItem(scan)
				if err != nil {
					return err
				}
				it.Unit, it.unitPath = u.Name, u.Path
				out = append(out, it)
				return nil
			})
	})
	return out, err
}

// Item reads service item id. The actor needs ActServiceRead on its unit;
// one out of sight is not found.
func (s *Service) Item(ctx context.Context, a *auth.Actor, id int64) (*Item, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Item
	err := s.db.View(ctx, func(tx *db.Tx) error {
		it, err := itemByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActServiceRead, it.unitPath); err != nil {
			if errs.Is(err, errs.NotFound) {
				return errs.NoSuch("service item")
			}
			return err
		}
		out = it
		return nil
	})
	return out, err
}

// PageURL is the address of the public review page of item id on the site
// at base, which its QR code holds.
func PageURL(base string, id int64) string {
	return strings.TrimSuffix(base, "/") + "/r/" + db.FormatID(id)
}
