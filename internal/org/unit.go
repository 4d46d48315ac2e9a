package org

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
)

// Kind says what a unit is.
type Kind string

// The unit kinds.
const (
	// KindRegion is a region's Party committee and government (地区/党委政府).
	KindRegion Kind = "region"
	// KindDepartment is a department of a region's Party committee or
	// government (部门), e.g. 统计局.
	KindDepartment Kind = "department"
)

// Kinds lists the unit kinds.
var Kinds = []Kind{KindRegion, KindDepartment}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindRegion || k == KindDepartment }

// Level is a tier of the administrative hierarchy.
type Level string

// The levels, from the top.
const (
	LevelProvince Level = "province" // 省级
	LevelCity     Level = "city"     // 地市级
	LevelCounty   Level = "county"   // 县级 (区/县/县级市)
	LevelTownship Level = "township" // 乡级 (乡/镇/街道)
)

// Levels lists the levels from the top.
var Levels = []Level{LevelProvince, LevelCity, LevelCounty, LevelTownship}

// depth returns 1 for a province down to 4 for a township, 0 when unknown.
func (l Level) depth() int {
	for i, k := range Levels {
		if l == k {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l.depth() > 0 }

// Unit is a node of the jurisdiction tree: a region or a department.
type Unit struct {
	ID int64
	// ParentID is the unit above, 0 for a root.
	ParentID int64
	// Path lists the ids from the root down to this unit, "/12/345/".
	Path string
	// Code is an administrative-division code for regions: 6 digits for a
	// province (330000), city (330100) or county (330102); 9 or 12 for a
	// township (330102001). Departments have a free code of letters,
	// digits, '.', '_' and '-' (e.g. 330100-TJJ). Unique.
	Code string
	// Name is the full name, e.g. 青州市 or 青州市统计局.
	Name string
	Kind Kind
	// Level is the tier: a region's own, a department's that of its region.
	Level Level
	// CategoryID is the category the unit is assessed in, 0 for none.
	CategoryID int64
	// Sort orders siblings, smallest first.
	Sort      int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the unit's own fields; placement in the tree and
// uniqueness are checked against the database when it is stored.
func (u *Unit) Validate() error {
	if e := errs.CheckText("name", "org.unit.name", "name", u.Name, 64, true); e != nil {
		return e
	}
	if !u.Kind.Valid() {
		return errs.Field("kind", "org.unit.kind_invalid", fmt.Sprintf("kind %q is not region or department", u.Kind))
	}
	if !u.Level.Valid() {
		return errs.Field("level", "org.unit.level_invalid", fmt.Sprintf("level %q is not province, city, county or township", u.Level))
	}
	if u.Kind == KindRegion {
		if !regionCode(u.Level, u.Code) {
			e := errs.Field("code", "org.unit.region_code", regionCodeRule[u.Level])
			e.Args = map[string]any{"level": string(u.Level)}
			return e
		}
	} else if !departmentCode(u.Code) {
		return errs.Field("code", "org.unit.department_code",
			"a department code is 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if u.Sort < 0 {
		return errs.Field("sort", "org.unit.sort_negative", "sort order is negative")
	}
	return nil
}

var regionCodeRule = map[Level]string{
	LevelProvince: "a province code is 6 digits ending in 0000, e.g. 330000",
	LevelCity:     "a city code is 6 digits ending in 00 but not 0000, e.g. 330100",
	LevelCounty:   "a county code is 6 digits not ending in 00, e.g. 330102",
	LevelTownship: "a township code is 9 or 12 digits, e.g. 330102001",
}

// regionCode reports whether code is an administrative-division code of a
// region at level.
func regionCode(level Level, code string) bool {
	if !digits(code) {
		return false
	}
	switch level {
	case LevelProvince:
		return len(code) == 6 && code[:2] != "00" && strings.HasSuffix(code, "0000")
	case LevelCity:
		return len(code) == 6 && strings.HasSuffix(code, "00") && !strings.HasSuffix(code, "0000")
	case LevelCounty:
		return len(code) == 6 && !strings.HasSuffix(code, "00")
	case LevelTownship:
		return len(code) == 9 || len(code) == 12
	}
	return false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// departmentCode reports whether code is a valid department code.
func departmentCode(code string) bool {
	if code == "" || len(code) > 40 {
		return false
	}
	for i, c := range code {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// checkPlacement checks that u may sit under parent (nil for a root): only
// regions have sub-units and roots; a region sits below its parent's level,
// a department at its region's level.
func checkPlacement(parent, u *Unit) error {
	if parent == nil {
		if u.Kind != KindRegion {
			return errs.Field("parent_id", "org.unit.root_department", "a department needs a parent region")
		}
		return nil
	}
	if parent.Kind != KindRegion {
		return errs.Field("parent_id", "org.unit.parent_department", "a department has no sub-units")
	}
	if u.Kind == KindRegion && u.Level.depth() <= parent.Level.depth() {
		e := errs.Field("level", "org.unit.level_not_below_parent",
			fmt.Sprintf("a %s region cannot sit under a %s", u.Level, parent.Level))
		e.Args = map[string]any{"level": string(u.Level), "parent_level": string(parent.Level)}
		return e
	}
	if u.Kind == KindDepartment && u.Level != parent.Level {
		e := errs.Field("level", "org.unit.department_level",
			fmt.Sprintf("a department of a %s region is at level %s", parent.Level, parent.Level))
		e.Args = map[string]any{"level": string(u.Level), "parent_level": string(parent.Level)}
		return e
	}
	return nil
}

// summary is the unit as the audit log records it.
func (u *Unit) summary() map[string]any {
	return map[string]any{
		"code": u.Code, "name": u.Name, "kind": u.Kind, "level": u.Level,
		"parent_id": u.ParentID, "path": u.Path, "category_id": u.CategoryID, "sort": u.Sort,
	}
}

// UnitUpdate changes some of a unit's fields; nil fields stay as they are.
// Kind and level are fixed once a unit exists; MoveUnit changes its parent.
type UnitUpdate struct {
	Name *string
	Code *string
	// CategoryID sets the category; 0 clears it.
	CategoryID *int64
	Sort       *int
}

// UnitFilter selects units. Zero fields do not filter.
type UnitFilter struct {
	// Query matches a part of the name or of the code.
	Query string
	// Under limits the search to the subtree of this unit (itself included).
	Under      int64
	Kind       Kind
	Level      Level
	CategoryID int64
	// Limit is the page size (50 by default, at most 1000); Offset skips rows.
	Limit, Offset int
}

const unitCols = `u.id, u.parent_id, u.path, u.code, u.name, u.kind, u.level, u.category_id, u.sort_order, u.created_at, u.updated_at`

// scanUnit reads the columns unitCols names.
func scanUnit(s interface{ Scan(...any) error }) (*Unit, error) {
	var (
		u                Unit
		parent, category sql.NullInt64
		created, updated int64
	)
	err := s.Scan(&u.ID, &parent, &u.Path, &u.Code, &u.Name, &u.Kind, &u.Level, &category, &u.Sort, &created, &updated)
	if err != nil {
		return nil, err
	}
	u.ParentID, u.CategoryID = parent.Int64, category.Int64
	u.CreatedAt, u.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &u, nil
}

// getUnit reads a unit; NotFound when there is none.
func getUnit(ctx context.Context, tx *db.Tx, id int64) (*Unit, error) {
	u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("unit")
	}
	if err != nil {
		return nil, fmt.Errorf("read unit %d: %w", id, err)
	}
	return u, nil
}

// authorizedUnit reads unit id and checks that a may do action on it.
func (s *Service) authorizedUnit(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*Unit, error) {
	u, err := getUnit(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, action, u.Path); err != nil {
		return nil, err
	}
	return u, nil
}

// inScope keeps the units of us that sc contains.
func inScope(sc auth.Scope, us []*Unit) []*Unit {
	var out []*Unit
	for _, u := range us {
		if sc.Contains(u.Path) {
			out = append(out, u)
		}
	}
	return out
}

// queryUnits runs a query selecting unitCols.
func queryUnits(ctx context.Context, tx *db.Tx, query string, args ...any) ([]*Unit, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	defer rows.Close()
	var out []*Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("list units: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// authorizeTree checks that a may do action under parent: on the parent's
// path, or everywhere ("/") for a root (parent nil).
func (s *Service) authorizeTree(a *auth.Actor, action auth.Action, parent *Unit) error {
	if parent == nil {
		return s.pol.Authorize(a, action, "/")
	}
	return s.pol.Authorize(a, action, parent.Path)
}

// CreateUnit adds u under u.ParentID (a root when 0) and returns it with
// its ID and path. The actor needs ActUnitWrite on the parent; a root needs
// it everywhere.
func (s *Service) CreateUnit(ctx context.Context, a *auth.Actor, u Unit) (*Unit, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var out *Unit
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var parent *Unit
		if u.ParentID != 0 {
			p, err := getUnit(ctx, tx, u.ParentID)
			if err != nil {
				return err
			}
			parent = p
		}
		if err := s.authorizeTree(a, auth.ActUnitWrite, parent); err != nil {
			return err
		}
		if err := checkPlacement(parent, &u); err != nil {
			return err
		}
		if err := checkUnitCategory(ctx, tx, &u); err != nil {
			return err
		}
		if err := checkCodeFree(ctx, tx, u.Code, 0); err != nil {
			return err
		}
		u.ID = db.NewID()
		u.Path = "/" + db.FormatID(u.ID) + "/"
		if parent != nil {
			u.Path = parent.Path + db.FormatID(u.ID) + "/"
		}
		u.CreatedAt, u.UpdatedAt = tx.Now, tx.Now
		if err := insertUnit(ctx, tx, &u); err != nil {
			return err
		}
		out = &u
		return auth.Record(ctx, tx, a, auditUnit("unit.create", &u, nil, u.summary(), ""))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func auditUnit(action string, u *Unit, before, after any, reason string) audit.Event {
	return audit.Event{
		Action: action, ObjectType: "unit", ObjectID: db.FormatID(u.ID), UnitPath: u.Path,
		Before: before, After: after, Reason: reason,
	}
}

func insertUnit(ctx context.Context, tx *db.Tx, u *Unit) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO units
		(id, parent_id, path, code, name, kind, level, category_id, sort_order, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		u.ID, nullID(u.ParentID), u.Path, u.Code, u.Name, u.Kind, u.Level, nullID(u.CategoryID), u.Sort,
		u.CreatedAt.UnixMicro(), u.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("insert unit %s: %w", u.Code, err)
	}
	return nil
}

// checkCodeFree returns Conflict when another unit than self has code.
func checkCodeFree(ctx context.Context, tx *db.Tx, code string, self int64) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, code).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("check unit code: %w", err)
	case id == self:
		return nil
	}
	e := errs.New(errs.Conflict, "org.unit.code_taken", fmt.Sprintf("code %s is used by another unit", code))
	e.Field = "code"
	e.Args = map[string]any{"code": code}
	return e
}

// checkUnitCategory checks that u's category exists and applies to its kind.
func checkUnitCategory(ctx context.Context, tx *db.Tx, u *Unit) error {
	if u.CategoryID == 0 {
		return nil
	}
	c, err := getCategory(ctx, tx, u.CategoryID)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("category_id", "org.unit.category_unknown", "no such category")
	}
	if err != nil {
		return err
	}
	if c.AppliesTo != u.Kind {
		e := errs.Field("category_id", "org.unit.category_kind",
			fmt.Sprintf("category %s is for %s units, not %s", c.Code, c.AppliesTo, u.Kind))
		e.Args = map[string]any{"category": c.Name, "applies_to": string(c.AppliesTo)}
		return e
	}
	return nil
}

// UpdateUnit changes a unit's name, code, category or sort order. The actor
// needs ActUnitWrite on the unit.
func (s *Service) UpdateUnit(ctx context.Context, a *auth.Actor, id int64, upd UnitUpdate) (*Unit, error) {
	var out *Unit
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.authorizedUnit(ctx, tx, a, auth.ActUnitWrite, id)
		if err != nil {
			return err
		}
		before := u.summary()
		if upd.Name != nil {
			u.Name = *upd.Name
		}
		if upd.Code != nil {
			u.Code = *upd.Code
		}
		if upd.CategoryID != nil {
			u.CategoryID = *upd.CategoryID
		}
		if upd.Sort != nil {
			u.Sort = *upd.Sort
		}
		if err := u.Validate(); err != nil {
			return err
		}
		if err := checkUnitCategory(ctx, tx, u); err != nil {
			return err
		}
		if err := checkCodeFree(ctx, tx, u.Code, u.ID); err != nil {
			return err
		}
		u.UpdatedAt = tx.Now
		_, err = tx.ExecContext(ctx, `UPDATE units SET name = $1, code = $2, category_id = $3, sort_order = $4, updated_at = $5
			WHERE id = $6`, u.Name, u.Code, nullID(u.CategoryID), u.Sort, u.UpdatedAt.UnixMicro(), u.ID)
		if err != nil {
			return fmt.Errorf("update unit %d: %w", id, err)
		}
		out = u
		return auth.Record(ctx, tx, a, auditUnit("unit.update", u, before, u.summary(), ""))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MoveUnit puts the unit id and its whole subtree under parentID (a root
// when 0), rewriting the paths of the subtree in the same transaction. The
// actor needs ActUnitWrite on the unit and on the new parent.
func (s *Service) MoveUnit(ctx context.Context, a *auth.Actor, id, parentID int64, reason string) (*Unit, error) {
	var out *Unit
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.authorizedUnit(ctx, tx, a, auth.ActUnitWrite, id)
		if err != nil {
			return err
		}
		if u.ParentID == 0 {
			if err := s.pol.Authorize(a, auth.ActUnitWrite, "/"); err != nil {
				return err
			}
		}
		var parent *Unit
		if parentID != 0 {
			if parent, err = getUnit(ctx, tx, parentID); err != nil {
				return err
			}
		}
		if err := s.authorizeTree(a, auth.ActUnitWrite, parent); err != nil {
			return err
		}
		if parentID == u.ParentID {
			out = u
			return nil
		}
		if parent != nil && strings.HasPrefix(parent.Path, u.Path) {
			return errs.Field("parent_id", "org.unit.move_into_own_subtree", "a unit cannot move under itself or its own sub-units")
		}
		if err := checkPlacement(parent, u); err != nil {
			return err
		}
		before := map[string]any{"parent_id": u.ParentID, "path": u.Path}
		n, err := movePaths(ctx, tx, u, parent)
		if err != nil {
			return err
		}
		out = u
		after := map[string]any{"parent_id": u.ParentID, "path": u.Path, "units_moved": n}
		return auth.Record(ctx, tx, a, auditUnit("unit.move", u, before, after, reason))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// movePaths re-parents u under parent (nil: a root) and rewrites the paths
// of its subtree; it updates u in place and returns the number of units
// moved.
func movePaths(ctx context.Context, tx *db.Tx, u, parent *Unit) (int64, error) {
	oldPath := u.Path
	newPath := "/" + db.FormatID(u.ID) + "/"
	if parent != nil {
		newPath = parent.Path + db.FormatID(u.ID) + "/"
	}
	lo, hi := auth.SubtreeBounds(oldPath)
	res, err := tx.ExecContext(ctx, `UPDATE units SET path = CAST($1 AS TEXT) || substr(path, $2), updated_at = $3
		WHERE path >= $4 AND path < $5`, newPath, len(oldPath)+1, tx.Now.UnixMicro(), lo, hi)
	if err != nil {
		return 0, fmt.Errorf("move unit %d: %w", u.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("move unit %d: %w", u.ID, err)
	}
	u.ParentID = 0
	if parent != nil {
		u.ParentID = parent.ID
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, nullID(u.ParentID), u.ID); err != nil {
		return 0, fmt.Errorf("move unit %d: %w", u.ID, err)
	}
	u.Path, u.UpdatedAt = newPath, tx.Now
	return n, nil
}

// Unit returns the unit id. The actor needs ActUnitRead on it.
func (s *Service) Unit(ctx context.Context, a *auth.Actor, id int64) (*Unit, error) {
	var out *Unit
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.authorizedUnit(ctx, tx, a, auth.ActUnitRead, id)
		if err != nil {
			return err
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Roots returns the topmost units the actor may read: the units of its
// grants, or the roots of the tree for an actor that sees everything.
func (s *Service) Roots(ctx context.Context, a *auth.Actor) ([]*Unit, error) {
	sc := s.pol.Scope(a, auth.ActUnitRead)
	var out []*Unit
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if sc.All {
			out, err = queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.parent_id IS NULL ORDER BY u.sort_order, u.code`)
			return err
		}
		paths := append(append([]string(nil), sc.Subtrees...), sc.Units...)
		if len(paths) == 0 {
			return nil
		}
		var args []any
		ph := make([]string, len(paths))
		for i, p := range paths {
			ph[i] = db.Arg(&args, p)
		}
		out, err = queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.path IN (`+strings.Join(ph, ", ")+`)
			ORDER BY u.path`, args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Children returns the units directly under id that the actor may read,
// in sort order. The actor needs ActUnitRead on id.
func (s *Service) Children(ctx context.Context, a *auth.Actor, id int64) ([]*Unit, error) {
	sc := s.pol.Scope(a, auth.ActUnitRead)
	var out []*Unit
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizedUnit(ctx, tx, a, auth.ActUnitRead, id); err != nil {
			return err
		}
		kids, err := queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.parent_id = $1
			ORDER BY u.sort_order, u.code`, id)
		if err != nil {
			return err
		}
		out = inScope(sc, kids)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Subtree returns the unit id and every unit below it that the actor may
// read, in path order (each unit before its sub-units). The actor needs
// ActUnitRead on id.
func (s *Service) Subtree(ctx context.Context, a *auth.Actor, id int64) ([]*Unit, error) {
	sc := s.pol.Scope(a, auth.ActUnitRead)
	var out []*Unit
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.authorizedUnit(ctx, tx, a, auth.ActUnitRead, id)
		if err != nil {
			return err
		}
		lo, hi := auth.SubtreeBounds(u.Path)
		all, err := queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE u.path >= $1 AND u.path < $2
			ORDER BY u.path`, lo, hi)
		if err != nil {
			return err
		}
		out = inScope(sc, all)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindUnits returns a page of the units the actor may read that match f,
// in path order, and how many match in all.
func (s *Service) FindUnits(ctx context.Context, a *auth.Actor, f UnitFilter) ([]*Unit, int, error) {
	sc := s.pol.Scope(a, auth.ActUnitRead)
	limit, offset := page(f.Limit, f.Offset)
	var (
		out   []*Unit
		total int
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if f.Under != 0 {
			under, err := getUnit(ctx, tx, f.Under)
			if err != nil {
				return err
			}
			var ok bool
			if sc, ok = narrow(sc, under.Path); !ok {
				return errs.NoSuch("unit")
			}
		}
		var args []any
		where := []string{sc.SQL("u.path", &args)}
		if q := strings.TrimSpace(f.Query); q != "" {
			p := db.Arg(&args, likeArg(q))
			where = append(where, fmt.Sprintf(`(u.name LIKE %s ESCAPE '\' OR u.code LIKE %s ESCAPE '\')`, p, p))
		}
		if f.Kind != "" {
			where = append(where, "u.kind = "+db.Arg(&args, f.Kind))
		}
		if f.Level != "" {
			where = append(where, "u.level = "+db.Arg(&args, f.Level))
		}
		if f.CategoryID != 0 {
			where = append(where, "u.category_id = "+db.Arg(&args, f.CategoryID))
		}
		cond := strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE `+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("count units: %w", err)
		}
		l, o := db.Arg(&args, limit), db.Arg(&args, offset)
		var err error
		out, err = queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units u WHERE `+cond+`
			ORDER BY u.path LIMIT `+l+` OFFSET `+o, args...)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
