package collect

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Frequency is how often a data item is collected; it fixes the form of
// its periods.
type Frequency string

// The frequencies and their periods.
const (
	Annual    Frequency = "annual"    // '2025'
	Quarterly Frequency = "quarterly" // '2025Q3'
	Monthly   Frequency = "monthly"   // '2025-07'
)

// Frequencies lists the frequencies.
var Frequencies = []Frequency{Annual, Quarterly, Monthly}

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool { return slices.Contains(Frequencies, f) }

// ValueType is the kind of number an item holds.
type ValueType string

// The value types.
const (
	// TypeNumber is any finite number.
	TypeNumber ValueType = "number"
	// TypePercent is a percentage written as its number of percent: 65.3
	// means 65.3 %; "65.3%" is accepted too.
	TypePercent ValueType = "percent"
	// TypeInteger is a whole number (counts: 件, 个, 人).
	TypeInteger ValueType = "integer"
)

// ValueTypes lists the value types.
var ValueTypes = []ValueType{TypeNumber, TypePercent, TypeInteger}

// Valid reports whether t is a known value type.
func (t ValueType) Valid() bool { return slices.Contains(ValueTypes, t) }

// EntityKind says what a value is about: a unit or a person.
type EntityKind string

// The entity kinds.
const (
	EntityUnit   EntityKind = "unit"
	EntityPerson EntityKind = "person"
)

// Valid reports whether k is a known entity kind.
func (k EntityKind) Valid() bool { return k == EntityUnit || k == EntityPerson }

// Item is a data item (数据项): one fact collected once from the department
// that owns it and reused by every indicator that needs it.
type Item struct {
	ID int64
	// Code identifies the item everywhere (indicators, imports, the API):
	// 1 to 40 letters, digits, '_', '.' or '-', starting with a letter.
	Code string
	// Name is the item's Chinese name, e.g. 地区生产总值.
	Name string
	// Measure is the unit of measure, e.g. 亿元, %, 件; "" for none.
	Measure string
	// OwnerID is the provider department that submits the values.
	OwnerID int64
	// Owner fields describe the owner unit; loaded, ignored when stored.
	OwnerCode, OwnerName, OwnerPath string
	// ScopePath is the jurisdiction the owner reports on: the region a
	// department belongs to, or a region owner itself. Loaded.
	ScopePath string
	Frequency Frequency
	Type      ValueType
	// Min and Max bound a valid value; nil is unbounded.
	Min, Max *float64
	// Required items must have a value for every entity of a period; a
	// blank cell of a required item is an error.
	Required bool
	// EntityKind says whether values are about units or people; UnitKind
	// and UnitLevel, when set, narrow the units (e.g. county-level regions).
	EntityKind EntityKind
	UnitKind   org.Kind
	UnitLevel  org.Level
	// Description tells the provider what exactly to report.
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the item's own fields and returns the first problem.
func (it *Item) Validate() error {
	if l := it.Problems(); len(l) > 0 {
		return l[0]
	}
	return nil
}

// Problems checks the item's own fields and returns every problem, at most
// one per field, so that a form can show each next to its field.
func (it *Item) Problems() errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	switch {
	case !itemCode(it.Code):
		add(errs.Field("code", "collect.item.code_invalid",
			"an item code is 1 to 40 letters, digits, '_', '.' or '-', starting with a letter"))
	case it.Code == reservedItemCode:
		add(errs.Field("code", "collect.item.code_reserved", `"new" is reserved: it names the form for a new item`))
	}
	add(errs.CheckText("name", "collect.item.name", "name", it.Name, 64, true))
	add(errs.CheckText("measure", "collect.item.measure", "unit of measure", it.Measure, 16, false))
	add(errs.CheckText("description", "collect.item.description", "description", it.Description, 2000, false))
	if it.OwnerID == 0 {
		add(errs.Field("owner_id", "collect.item.owner_required", "the owning department is required"))
	}
	if !it.Frequency.Valid() {
		add(errs.Field("frequency", "collect.item.frequency_invalid", fmt.Sprintf("frequency %q is not annual, quarterly or monthly", it.Frequency)))
	}
	if !it.Type.Valid() {
		add(errs.Field("type", "collect.item.type_invalid", fmt.Sprintf("value type %q is not number, percent or integer", it.Type)))
	}
	switch {
	case !it.EntityKind.Valid():
		add(errs.Field("entity_kind", "collect.item.entity_kind_invalid", fmt.Sprintf("entity kind %q is not unit or person", it.EntityKind)))
	case it.EntityKind == EntityPerson && (it.UnitKind != "" || it.UnitLevel != ""):
		add(errs.Field("unit_kind", "collect.item.person_unit_kind", "an item about people has no unit kind or level"))
	case it.UnitKind != "" && !it.UnitKind.Valid():
		add(errs.Field("unit_kind", "collect.item.unit_kind_invalid", fmt.Sprintf("unit kind %q is not region or department", it.UnitKind)))
	}
	if it.UnitLevel != "" && !it.UnitLevel.Valid() {
		add(errs.Field("unit_level", "collect.item.unit_level_invalid", fmt.Sprintf("unit level %q is not province, city, county or township", it.UnitLevel)))
	}
	bad := func(b *float64) bool { return b != nil && (math.IsNaN(*b) || math.IsInf(*b, 0)) }
	switch {
	case bad(it.Min):
		add(errs.Field("min", "collect.item.bound_invalid", "a bound is not a finite number"))
	case bad(it.Max):
		add(errs.Field("max", "collect.item.bound_invalid", "a bound is not a finite number"))
	case it.Min != nil && it.Max != nil && *it.Min > *it.Max:
		add(errs.Field("max", "collect.item.bounds_order", "the maximum is below the minimum"))
	}
	return l
}

// itemCode reports whether s is a valid item code.
// reservedItemCode cannot be an item's code: /items/new is the form for a
// new item.
const reservedItemCode = "new"

func itemCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// Label is the item's name with its unit of measure: 地区生产总值（亿元）.
func (it *Item) Label() string {
	if it.Measure == "" {
		return it.Name
	}
	return it.Name + "（" + it.Measure + "）"
}

// Covers reports whether a unit of kind and level at path is an entity the
// item is about and within its owner's jurisdiction.
func (it *Item) Covers(path string, kind org.Kind, level org.Level) bool {
	if it.EntityKind != EntityUnit || !strings.HasPrefix(path, it.ScopePath) {
		return false
	}
	return (it.UnitKind == "" || it.UnitKind == kind) && (it.UnitLevel == "" || it.UnitLevel == level)
}

func (it *Item) summary() map[string]any {
	m := map[string]any{
		"code": it.Code, "name": it.Name, "measure": it.Measure, "owner_id": it.OwnerID,
		"frequency": it.Frequency, "type": it.Type, "required": it.Required,
		"entity_kind": it.EntityKind, "unit_kind": it.UnitKind, "unit_level": it.UnitLevel,
	}
	if it.Min != nil {
		m["min"] = *it.Min
	}
	if it.Max != nil {
		m["max"] = *it.Max
	}
	return m
}

const itemCols = `i.id, i.code, i.name, i.measure, i.owner_unit_id,
	i.frequency, i.value_type, i.min_value, i.max_value, i.required, i.entity_kind, i.unit_kind, i.unit_level,
	i.description, i.created_at, i.updated_at`

const itemFrom = ` FROM data_items i`

func scanItem(s interface{ Scan(...any) error }) (*Item, error) {
	var (
		it               Item
		lo, hi           sql.NullFloat64
		created, updated int64
	)
	err := s.Scan(&it.ID, &it.Code, &it.Name, &it.Measure, &it.OwnerID, &it.Frequency, &it.Type, &lo, &hi,
		&it.Required, &it.EntityKind, &it.UnitKind, &it.UnitLevel, &it.Description, &created, &updated)
	if err != nil {
		return nil, err
	}
	if lo.Valid {
		it.Min = &lo.Float64
	}
	if hi.Valid {
		it.Max = &hi.Float64
	}
	it.CreatedAt, it.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &it, nil
}

func queryItems(ctx context.Context, tx *db.Tx, tail string, args ...any) ([]*Item, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+itemCols+itemFrom+` `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("list data items: %w", err)
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list data items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list data items: %w", err)
	}
	rows.Close()
	return out, fillOwners(ctx, tx, out)
}

// fillOwners fills in the code, name and path of the items' owners and
// the path of the jurisdiction they are collected for: a department's
// region (the unit above it), or a region's own subtree.
func fillOwners(ctx context.Context, tx *db.Tx, items []*Item) error {
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.OwnerID)
	}
	owners, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	var parents []int64
	for _, o := range owners {
		if o.ParentID != 0 {
			parents = append(parents, o.ParentID)
		}
	}
	above, err := org.UnitsByID(ctx, tx, parents)
	if err != nil {
		return err
	}
	for _, it := range items {
		o := owners[it.OwnerID]
		if o == nil {
			return fmt.Errorf("data item %s: owner unit %d is missing", it.Code, it.OwnerID)
		}
		it.OwnerCode, it.OwnerName, it.OwnerPath, it.ScopePath = o.Code, o.Name, o.Path, o.Path
		if p := above[o.ParentID]; p != nil && o.Kind != org.KindRegion {
			it.ScopePath = p.Path
		}
	}
	return nil
}

// sortByOwner orders items by their owner's place in the tree, then code.
func sortByOwner(items []*Item) {
	slices.SortFunc(items, func(a, b *Item) int {
		return cmp.Or(strings.Compare(a.OwnerPath, b.OwnerPath), strings.Compare(a.Code, b.Code))
	})
}

// getItem reads an item by code; NotFound when there is none.
func getItem(ctx context.Context, tx *db.Tx, code string) (*Item, error) {
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		e := errs.NoSuch("data item")
		e.Field = "item"
		return nil, e
	}
	if err != nil {
		return nil, fmt.Errorf("read data item %s: %w", code, err)
	}
	if err := fillOwners(ctx, tx, []*Item{it}); err != nil {
		return nil, err
	}
	return it, nil
}

// itemsByCode reads the items of codes; unknown codes are missing from the map.
func itemsByCode(ctx context.Context, tx *db.Tx, codes []string) (map[string]*Item, error) {
	out := make(map[string]*Item, len(codes))
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		items, err := queryItems(ctx, tx, `WHERE i.code IN (`+placeholders(1, len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out[it.Code] = it
		}
	}
	return out, nil
}

// ownerUnit reads the owner of an item and checks that it is a unit.
func ownerUnit(ctx context.Context, tx *db.Tx, id int64) (path string, err error) {
	u, err := org.GetUnit(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Field("owner_id", "collect.item.owner_unknown", "no such owning department")
	}
	if err != nil {
		return "", err
	}
	return u.Path, nil
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

// CreateItem adds a data item. The actor needs ActItemWrite on the owner.
func (s *Service) CreateItem(ctx context.Context, a *auth.Actor, it Item) (*Item, error) {
	if err := it.Validate(); err != nil {
		return nil, err
	}
	var out *Item
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := ownerUnit(ctx, tx, it.OwnerID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActItemWrite, path); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM data_items WHERE code = $1`, it.Code).Scan(&n); err != nil {
			return fmt.Errorf("check item code: %w", err)
		}
		if n > 0 {
			e := errs.New(errs.Conflict, "collect.item.code_taken", "item code "+it.Code+" is taken")
			e.Field = "code"
			e.Args = map[string]any{"code": it.Code}
			return e
		}
		it.ID = db.NewID()
		it.CreatedAt, it.UpdatedAt = tx.Now, tx.Now
		if err := InsertItems(ctx, tx, []*Item{&it}); err != nil {
			return err
		}
		if out, err = getItem(ctx, tx, it.Code); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "item.create", ObjectType: "data_item", ObjectID: it.Code,
			UnitPath: path, After: it.summary()})
	})
	return out, err
}

// UpdateItem changes an item found by its code, which stays. The actor
// needs ActItemWrite on the old and the new owner.
func (s *Service) UpdateItem(ctx context.Context, a *auth.Actor, it Item) (*Item, error) {
	if err := it.Validate(); err != nil {
		return nil, err
	}
	var out *Item
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := getItem(ctx, tx, it.Code)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActItemWrite, old.OwnerPath); err != nil {
			return err
		}
		path, err := ownerUnit(ctx, tx, it.OwnerID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActItemWrite, path); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE data_items SET name = $1, measure = $2, owner_unit_id = $3, frequency = $4,
			value_type = $5, min_value = $6, max_value = $7, required = $8, entity_kind = $9, unit_kind = $10,
			unit_level = $11, description = $12, updated_at = $13 WHERE code = $14`,
			it.Name, it.Measure, it.OwnerID, string(it.Frequency), string(it.Type), nullFloat(it.Min), nullFloat(it.Max),
			it.Required, string(it.EntityKind), string(it.UnitKind), string(it.UnitLevel), it.Description,
			tx.Now.UnixMicro(), it.Code)
		if err != nil {
			return fmt.Errorf("update data item %s: %w", it.Code, err)
		}
		if out, err = getItem(ctx, tx, it.Code); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "item.update", ObjectType: "data_item", ObjectID: it.Code,
			UnitPath: path, Before: old.summary(), After: out.summary()})
	})
	return out, err
}

// Item returns the item with code. Item definitions are a catalogue every
// signed-in user may read (docs/decisions/0025-collect-scope.md).
func (s *Service) Item(ctx context.Context, a *auth.Actor, code string) (*Item, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Item
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = getItem(ctx, tx, code)
		return err
	})
	return out, err
}

// ItemFilter selects items. Zero fields do not filter.
type ItemFilter struct {
	// OwnerID selects the items of one department.
	OwnerID   int64
	Frequency Frequency
	// Submittable keeps only the items the actor may submit values for.
	Submittable bool
}

// Items lists data items by code.
func (s *Service) Items(ctx context.Context, a *auth.Actor, f ItemFilter) ([]*Item, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Item
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var (
			args  []any
			conds []string
		)
		if f.OwnerID != 0 {
			conds = append(conds, "i.owner_unit_id = "+db.Arg(&args, f.OwnerID))
		}
		if f.Frequency != "" {
			conds = append(conds, "i.frequency = "+db.Arg(&args, string(f.Frequency)))
		}
		tail := ""
		if len(conds) > 0 {
			tail = "WHERE " + strings.Join(conds, " AND ")
		}
		items, err := queryItems(ctx, tx, tail, args...)
		if err != nil {
			return err
		}
		sortByOwner(items)
		for _, it := range items {
			if !f.Submittable || s.pol.Authorize(a, auth.ActValueSubmit, it.OwnerPath) == nil {
				out = append(out, it)
			}
		}
		return nil
	})
	return out, err
}

// InsertItems writes items with their IDs set, inside the caller's
// transaction, without authorizing or auditing: for loaders (the demo)
// that check their rows and record the load themselves.
func InsertItems(ctx context.Context, tx *db.Tx, items []*Item) error {
	now := tx.Now.UnixMicro()
	for _, it := range items {
		created, updated := now, now
		if !it.CreatedAt.IsZero() {
			created = it.CreatedAt.UnixMicro()
		}
		if !it.UpdatedAt.IsZero() {
			updated = it.UpdatedAt.UnixMicro()
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO data_items (id, code, name, measure, owner_unit_id, frequency,
			value_type, min_value, max_value, required, entity_kind, unit_kind, unit_level, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			it.ID, it.Code, it.Name, it.Measure, it.OwnerID, string(it.Frequency), string(it.Type), nullFloat(it.Min),
			nullFloat(it.Max), it.Required, string(it.EntityKind), string(it.UnitKind), string(it.UnitLevel),
			it.Description, created, updated)
		if err != nil {
			return fmt.Errorf("insert data item %s: %w", it.Code, err)
		}
	}
	return nil
}
