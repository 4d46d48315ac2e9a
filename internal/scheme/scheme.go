// Package scheme holds assessment schemes (考核方案): the indicator library,
// schemes for leadership teams and for cadres with the categories they apply
// to, their versions — each stored whole as the engine's scheme document
// (score.Scheme) in canonical JSON — diffs between versions, import and
// export as Excel and JSON, and the streamlining report (精简考核事项).
//
// A version is a draft until it is activated; only a draft that no cycle
// uses may change. Lock marks a version used by a cycle, after which it
// never changes, so a past cycle is always scored with the scheme it ran
// under (R1.4).
package scheme

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Service manages the indicator library, schemes and versions. Each method
// checks the actor against the policy, runs in one transaction and records
// an audit event for every change.
type Service struct {
	db  *db.DB
	pol auth.Policy
	// items and values read the data collection (collected.go); nil when
	// not wired.
	items  ItemChecker
	values ValueReader
}

// NewService returns a Service on d that asks pol who may do what,
// configured by opts.
func NewService(d *db.DB, pol auth.Policy, opts ...Option) *Service {
	s := &Service{db: d, pol: pol}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Subject is what a scheme assesses.
type Subject string

// The subjects.
const (
	// SubjectUnit assesses leadership teams (领导班子), one entity per unit.
	SubjectUnit Subject = "unit"
	// SubjectPerson assesses cadres (干部).
	SubjectPerson Subject = "person"
)

// Valid reports whether s is a known subject.
func (s Subject) Valid() bool { return s == SubjectUnit || s == SubjectPerson }

// Scheme is an assessment scheme: who sets it, what it assesses and which
// unit categories it applies to. Its content lives in its versions.
type Scheme struct {
	ID int64
	// Code is a stable short name, e.g. "county-team"; it becomes the
	// document's code. Letters, digits, '_', '-' and '.'.
	Code string
	Name string
	// Subject is unit (leadership teams) or person (cadres).
	Subject Subject
	// OwnerUnitID is the unit whose office sets the scheme; the scheme
	// applies within its subtree.
	OwnerUnitID int64
	// OwnerPath and OwnerName describe the owner unit; loaded, ignored on
	// store.
	OwnerPath, OwnerName string
	Description          string
	// Categories are the codes of the unit categories the scheme applies
	// to, sorted; the keys of per-category weights must be among them.
	Categories []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Validate checks the scheme's own fields.
func (s *Scheme) Validate() error {
	if !validCode(s.Code, 64) {
		return errs.Field("code", "scheme.code_invalid",
			"a scheme code is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit")
	}
	if e := errs.CheckText("name", "scheme.name", "name", s.Name, 64, true); e != nil {
		return e
	}
	if !s.Subject.Valid() {
		return errs.Field("subject", "scheme.subject_invalid", fmt.Sprintf("subject %q is not unit or person", s.Subject))
	}
	if s.OwnerUnitID == 0 {
		return errs.Field("owner_unit_id", "scheme.owner_required", "the owner unit is required")
	}
	if utf8.RuneCountInString(s.Description) > 2000 {
		return errs.Field("description", "scheme.description_too_long", "description is longer than 2000 characters")
	}
	seen := map[string]bool{}
	for _, c := range s.Categories {
		if seen[c] {
			return errs.Field("categories", "scheme.category_duplicate", fmt.Sprintf("category %q is listed twice", c))
		}
		seen[c] = true
	}
	return nil
}

// validCode reports whether s is 1 to max ASCII letters, digits, '_', '-'
// or '.', starting with a letter or digit.
func validCode(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !ok && (i == 0 || c != '_' && c != '-' && c != '.') {
			return false
		}
	}
	return true
}

const schemeCols = `s.id, s.code, s.name, s.subject, s.owner_unit_id, s.description, s.created_at, s.updated_at`

func scanScheme(r interface{ Scan(...any) error }) (*Scheme, error) {
	var (
		s                Scheme
		created, updated int64
	)
	if err := r.Scan(&s.ID, &s.Code, &s.Name, &s.Subject, &s.OwnerUnitID, &s.Description, &created, &updated); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &s, nil
}

// getScheme reads a scheme with its owner and categories; NotFound when
// there is none.
func getScheme(ctx context.Context, tx *db.Tx, id int64) (*Scheme, error) {
	s, err := scanScheme(tx.QueryRowContext(ctx, `SELECT `+schemeCols+` FROM schemes s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("scheme")
	}
	if err != nil {
		return nil, fmt.Errorf("read scheme %d: %w", id, err)
	}
	if err := fill(ctx, tx, []*Scheme{s}); err != nil {
		return nil, err
	}
	return s, nil
}

// fill reads the owner unit (from package org) and the categories of
// each scheme.
func fill(ctx context.Context, tx *db.Tx, list []*Scheme) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	for i, sc := range list {
		ids[i] = sc.OwnerUnitID
	}
	owners, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return fmt.Errorf("read scheme owners: %w", err)
	}
	codes, err := categoryCodes(ctx, tx)
	if err != nil {
		return err
	}
	for _, sc := range list {
		u, ok := owners[sc.OwnerUnitID]
		if !ok {
			return fmt.Errorf("scheme %s: owner unit %d not found", sc.Code, sc.OwnerUnitID)
		}
		sc.OwnerPath, sc.OwnerName = u.Path, u.Name
		if sc.Categories, err = schemeCategories(ctx, tx, sc.ID, codes); err != nil {
			return err
		}
	}
	return nil
}

// categoryCodes maps the ids of all categories (package org) to their
// codes.
func categoryCodes(ctx context.Context, tx *db.Tx) (map[int64]string, error) {
	cats, err := org.AllCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(cats))
	for _, c := range cats {
		out[c.ID] = c.Code
	}
	return out, nil
}

// schemeCategories returns the codes of scheme id's categories, sorted;
// codes maps category ids to codes.
func schemeCategories(ctx context.Context, tx *db.Tx, id int64, codes map[int64]string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT category_id FROM scheme_categories WHERE scheme_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("read scheme categories: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("read scheme categories: %w", err)
		}
		code, ok := codes[c]
		if !ok {
			return nil, fmt.Errorf("scheme %d: category %d not found", id, c)
		}
		out = append(out, code)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read scheme categories: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

func (s *Scheme) summary() map[string]any {
	return map[string]any{"code": s.Code, "name": s.Name, "subject": s.Subject, "owner_unit_id": s.OwnerUnitID,
		"description": s.Description, "categories": s.Categories}
}

// authorizeScheme reads scheme id and checks that a may do action on it.
func (s *Service) authorizeScheme(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*Scheme, error) {
	sc, err := getScheme(ctx, tx, id)
	if err != nil {
		if errs.Is(err, errs.NotFound) && a == nil {
			return nil, s.pol.Authorize(a, action, "/")
		}
		return nil, err
	}
	if err := s.pol.Authorize(a, action, sc.OwnerPath); err != nil {
		return nil, err
	}
	return sc, nil
}

// setCategories replaces the categories of scheme id by codes, which must
// name existing categories.
func setCategories(ctx context.Context, tx *db.Tx, id int64, codes []string) error {
	cats, err := org.AllCategories(ctx, tx)
	if err != nil {
		return err
	}
	byCode := make(map[string]int64, len(cats))
	for _, c := range cats {
		byCode[c.Code] = c.ID
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM scheme_categories WHERE scheme_id = $1`, id); err != nil {
		return fmt.Errorf("clear scheme categories: %w", err)
	}
	for _, code := range codes {
		cid, ok := byCode[code]
		if !ok {
			e := errs.Field("categories", "scheme.category_unknown", fmt.Sprintf("unknown category %q", code))
			e.Args = map[string]any{"category": code}
			return e
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO scheme_categories (scheme_id, category_id) VALUES ($1, $2)`, id, cid); err != nil {
			return fmt.Errorf("insert scheme category: %w", err)
		}
	}
	return nil
}

// CreateScheme adds a scheme. The actor needs ActSchemeWrite on the owner
// unit.
func (s *Service) CreateScheme(ctx context.Context, a *auth.Actor, sc Scheme) (*Scheme, error) {
	sc.Categories = sortedUnique(sc.Categories)
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	var out *Scheme
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		owner, err := org.GetUnit(ctx, tx, sc.OwnerUnitID)
		if err != nil {
			return err
		}
		path := owner.Path
		if err := s.pol.Authorize(a, auth.ActSchemeWrite, path); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schemes WHERE code = $1`, sc.Code).Scan(&n); err != nil {
			return fmt.Errorf("check scheme code: %w", err)
		}
		if n > 0 {
			e := errs.New(errs.Conflict, "scheme.code_taken", fmt.Sprintf("scheme code %q is taken", sc.Code))
			e.Field = "code"
			return e
		}
		sc.ID = db.NewID()
		now := tx.Now.UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO schemes (id, code, name, subject, owner_unit_id, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sc.ID, sc.Code, sc.Name, sc.Subject, sc.OwnerUnitID, sc.Description, now, now); err != nil {
			return fmt.Errorf("insert scheme: %w", err)
		}
		if err := setCategories(ctx, tx, sc.ID, sc.Categories); err != nil {
			return err
		}
		if out, err = getScheme(ctx, tx, sc.ID); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "scheme.create", ObjectType: "scheme", ObjectID: db.FormatID(sc.ID),
			UnitPath: path, After: out.summary()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateScheme replaces the name, description and categories of scheme
// sc.ID; code, subject and owner are fixed. Removing a category that a
// version's weights use makes later versions fail validation, not the
// stored ones.
func (s *Service) UpdateScheme(ctx context.Context, a *auth.Actor, sc Scheme) (*Scheme, error) {
	sc.Categories = sortedUnique(sc.Categories)
	var out *Scheme
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.authorizeScheme(ctx, tx, a, auth.ActSchemeWrite, sc.ID)
		if err != nil {
			return err
		}
		sc.Code, sc.Subject, sc.OwnerUnitID = old.Code, old.Subject, old.OwnerUnitID
		if err := sc.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schemes SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
			sc.Name, sc.Description, tx.Now.UnixMicro(), sc.ID); err != nil {
			return fmt.Errorf("update scheme: %w", err)
		}
		if err := setCategories(ctx, tx, sc.ID, sc.Categories); err != nil {
			return err
		}
		if out, err = getScheme(ctx, tx, sc.ID); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "scheme.update", ObjectType: "scheme", ObjectID: db.FormatID(sc.ID),
			UnitPath: old.OwnerPath, Before: old.summary(), After: out.summary()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Scheme returns scheme id with its categories.
func (s *Service) Scheme(ctx context.Context, a *auth.Actor, id int64) (*Scheme, error) {
	var out *Scheme
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = s.authorizeScheme(ctx, tx, a, auth.ActSchemeRead, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Schemes lists the schemes the actor may read, by code.
func (s *Service) Schemes(ctx context.Context, a *auth.Actor) ([]*Scheme, error) {
	if a == nil {
		return nil, s.pol.Authorize(a, auth.ActSchemeRead, "/")
	}
	var out []*Scheme
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = listSchemes(ctx, tx, s.pol.Scope(a, auth.ActSchemeRead))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func listSchemes(ctx context.Context, tx *db.Tx, sc auth.Scope) ([]*Scheme, error) {
	var args []any
	rows, err := tx.QueryContext(ctx, `SELECT `+schemeCols+` FROM schemes s WHERE `+
		org.UnitInScopeSQL("s.owner_unit_id", sc, &args)+` ORDER BY s.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	var out []*Scheme
	for rows.Next() {
		sch, err := scanScheme(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list schemes: %w", err)
		}
		out = append(out, sch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	if err := fill(ctx, tx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// sortedUnique returns the strings sorted without duplicates or blanks.
func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
