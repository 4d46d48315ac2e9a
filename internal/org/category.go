package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Category is a group of units assessed against the same indicator set
// and weights (分类考核): for regions e.g. 城区/经济发达地区, 农业主产区,
// 生态功能区; for departments e.g. 综合经济类, 社会管理类, 党群类.
// Categories are instance-wide.
type Category struct {
	ID int64
	// Code is a short stable name used in scheme files, e.g. "eco".
	// Lower-case letters, digits, '_' and '-'; unique.
	Code string
	Name string
	// AppliesTo is the kind of unit the category can be given to.
	AppliesTo   Kind
	Description string
	// Sort orders categories, smallest first.
	Sort      int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the category's fields.
func (c *Category) Validate() error {
	if !categoryCode(c.Code) {
		return errs.Field("code", "org.category.code_invalid",
			"a category code is 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter")
	}
	if e := errs.CheckText("name", "org.category.name", "name", c.Name, 32, true); e != nil {
		return e
	}
	if !c.AppliesTo.Valid() {
		return errs.Field("applies_to", "org.category.applies_to_invalid",
			fmt.Sprintf("applies_to %q is not region or department", c.AppliesTo))
	}
	if len([]rune(c.Description)) > 500 {
		return errs.Field("description", "org.category.description_too_long", "description is longer than 500 characters")
	}
	return nil
}

func categoryCode(s string) bool {
	if s == "" || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (c *Category) summary() map[string]any {
	return map[string]any{"code": c.Code, "name": c.Name, "applies_to": c.AppliesTo, "description": c.Description, "sort": c.Sort}
}

const categoryCols = `id, code, name, applies_to, description, sort_order, created_at, updated_at`

func scanCategory(s interface{ Scan(...any) error }) (*Category, error) {
	var (
		c                Category
		created, updated int64
	)
	if err := s.Scan(&c.ID, &c.Code, &c.Name, &c.AppliesTo, &c.Description, &c.Sort, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &c, nil
}

// getCategory reads a category; NotFound when there is none.
func getCategory(ctx context.Context, tx *db.Tx, id int64) (*Category, error) {
	c, err := scanCategory(tx.QueryRowContext(ctx, `SELECT `+categoryCols+` FROM categories WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("category")
	}
	if err != nil {
		return nil, fmt.Errorf("read category %d: %w", id, err)
	}
	return c, nil
}

// mayReadCategories: categories are shared configuration that anyone who
// can read some unit may see.
func (s *Service) mayReadCategories(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthorized, auth.KeySignedOut, "not signed in")
	}
	if s.pol.Scope(a, auth.ActUnitRead).Empty() {
		return errs.NoSuch("category")
	}
	return nil
}

// authorizeCategory checks that a may change category id (0 for a new
// one): it needs ActUnitWrite somewhere, and on every unit the category is
// given to, so that no one changes how units outside their jurisdiction
// are assessed.
func (s *Service) authorizeCategory(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) error {
	if err := s.mayReadCategories(a); err != nil {
		return err
	}
	sc := s.pol.Scope(a, auth.ActUnitWrite)
	if sc.All {
		return nil
	}
	if sc.Empty() {
		return errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActUnitWrite))
	}
	if id == 0 {
		return nil
	}
	var args []any
	var outside int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.category_id = `+db.Arg(&args, id)+
		` AND NOT `+sc.SQL("u.path", &args), args...).Scan(&outside)
	if err != nil {
		return fmt.Errorf("check category use: %w", err)
	}
	if outside > 0 {
		e := errs.New(errs.Forbidden, "org.category.used_outside_scope",
			fmt.Sprintf("the category is given to %d units outside your jurisdiction", outside))
		e.Args = map[string]any{"count": outside}
		return e
	}
	return nil
}

// checkCategoryCodeFree returns Conflict when a category other than self
// has code.
func checkCategoryCodeFree(ctx context.Context, tx *db.Tx, code string, self int64) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM categories WHERE code = $1`, code).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && id == self:
		return nil
	case err != nil:
		return fmt.Errorf("check category code: %w", err)
	}
	e := errs.New(errs.Conflict, "org.category.code_taken", fmt.Sprintf("category code %s is taken", code))
	e.Field = "code"
	e.Args = map[string]any{"code": code}
	return e
}

func auditCategory(action string, c *Category, before, after any) audit.Event {
	return audit.Event{Action: action, ObjectType: "category", ObjectID: db.FormatID(c.ID), UnitPath: audit.GlobalPath,
		Before: before, After: after}
}

// Categories lists the categories, for one kind of unit or (kind "") all,
// in sort order.
func (s *Service) Categories(ctx context.Context, a *auth.Actor, kind Kind) ([]*Category, error) {
	if err := s.mayReadCategories(a); err != nil {
		return nil, err
	}
	var out []*Category
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		where := "1 = 1"
		if kind != "" {
			where = "applies_to = " + db.Arg(&args, kind)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+categoryCols+` FROM categories
			WHERE `+where+` ORDER BY applies_to DESC, sort_order, code`, args...)
		if err != nil {
			return fmt.Errorf("list categories: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCategory(rows)
			if err != nil {
				return fmt.Errorf("list categories: %w", err)
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Category returns the category id.
func (s *Service) Category(ctx context.Context, a *auth.Actor, id int64) (*Category, error) {
	if err := s.mayReadCategories(a); err != nil {
		return nil, err
	}
	var out *Category
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = getCategory(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateCategory adds a category. The actor needs ActUnitWrite somewhere.
func (s *Service) CreateCategory(ctx context.Context, a *auth.Actor, c Category) (*Category, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.authorizeCategory(ctx, tx, a, 0); err != nil {
			return err
		}
		if err := checkCategoryCodeFree(ctx, tx, c.Code, 0); err != nil {
			return err
		}
		c.ID = db.NewID()
		c.CreatedAt, c.UpdatedAt = tx.Now, tx.Now
		_, err := tx.ExecContext(ctx, `INSERT INTO categories (`+categoryCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, c.Code, c.Name, c.AppliesTo, c.Description, c.Sort, tx.Now.UnixMicro(), tx.Now.UnixMicro())
		if err != nil {
			return fmt.Errorf("insert category: %w", err)
		}
		return auth.Record(ctx, tx, a, auditCategory("category.create", &c, nil, c.summary()))
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateCategory replaces the code, name, description and sort order of
// category c.ID. Its kind is fixed while units use it. The actor needs
// ActUnitWrite on every unit the category is given to.
func (s *Service) UpdateCategory(ctx context.Context, a *auth.Actor, c Category) (*Category, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out *Category
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := getCategory(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := s.authorizeCategory(ctx, tx, a, c.ID); err != nil {
			return err
		}
		if err := checkCategoryCodeFree(ctx, tx, c.Code, c.ID); err != nil {
			return err
		}
		if c.AppliesTo != old.AppliesTo {
			n, err := categoryUse(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.Field("applies_to", "org.category.kind_in_use", "the kind of a category in use cannot change")
			}
		}
		c.CreatedAt, c.UpdatedAt = old.CreatedAt, tx.Now
		_, err = tx.ExecContext(ctx, `UPDATE categories SET code = $1, name = $2, applies_to = $3, description = $4,
			sort_order = $5, updated_at = $6 WHERE id = $7`,
			c.Code, c.Name, c.AppliesTo, c.Description, c.Sort, tx.Now.UnixMicro(), c.ID)
		if err != nil {
			return fmt.Errorf("update category %d: %w", c.ID, err)
		}
		out = &c
		return auth.Record(ctx, tx, a, auditCategory("category.update", &c, old.summary(), c.summary()))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// categoryUse counts the units given category id.
func categoryUse(ctx context.Context, tx *db.Tx, id int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE category_id = $1`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count category use: %w", err)
	}
	return n, nil
}

// DeleteCategory removes a category that no unit uses; Conflict otherwise.
func (s *Service) DeleteCategory(ctx context.Context, a *auth.Actor, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := getCategory(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.authorizeCategory(ctx, tx, a, id); err != nil {
			return err
		}
		n, err := categoryUse(ctx, tx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			e := errs.New(errs.Conflict, "org.category.in_use", fmt.Sprintf("%d units are in this category", n))
			e.Args = map[string]any{"count": n}
			return e
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete category %d: %w", id, err)
		}
		return auth.Record(ctx, tx, a, auditCategory("category.delete", c, c.summary(), nil))
	})
}
