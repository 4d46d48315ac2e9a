// Package org holds the jurisdiction tree (units), the categories units are
// assessed in, people (cadres), their posts and the leadership teams derived
// from them.
//
// The tree is stored as materialized paths: a unit's path lists the ids
// from the root down to the unit itself, "/12/345/678/". The subtree of a
// unit is the range of paths SubtreeBounds gives, one index range scan on
// both engines; every permission check and list query uses it.
package org

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Service manages units, categories, people and posts. Each method checks
// the actor against the policy, runs in one transaction and records an
// audit event for every change.
type Service struct {
	db  *db.DB
	pol auth.Policy
}

// NewService returns a Service on d that asks pol who may do what.
func NewService(d *db.DB, pol auth.Policy) *Service {
	return &Service{db: d, pol: pol}
}

// SubtreeBounds returns the range [lo, hi) of the paths in the subtree of
// the unit at path (the unit included): every path in the subtree starts
// with path, and hi is path with its final '/' replaced by '0', the
// character after '/'. So "/5/" gives ["/5/", "/50"), which holds "/5/7/"
// but not "/50/". path must end with '/'; "/" gives every path.
func SubtreeBounds(path string) (lo, hi string) {
	if !strings.HasSuffix(path, "/") {
		// Not a path: an empty range, so that a bad caller finds nothing.
		return path, path
	}
	return path, path[:len(path)-1] + "0"
}

// invalid returns an Invalid error naming field.
func invalid(field, key, msg string) *errs.Error {
	e := errs.New(errs.Invalid, key, msg)
	e.Field = field
	return e
}

// notFound returns the NotFound error that also answers for objects
// outside the actor's sight, so that probing reveals nothing.
func notFound(what string) *errs.Error {
	return errs.New(errs.NotFound, auth.KeyNotFound, what+" not found")
}

// arg appends v to args and returns its placeholder.
func arg(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

// likeArg returns a LIKE pattern that matches s anywhere, with LIKE's
// wildcards in s escaped by '\'.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// scopeSQL returns an SQL condition that the unit path in col lies in sc:
// in one of its subtrees or equal to one of its units. It ignores sc.Self,
// which is about people; "1 = 0" when sc holds no unit.
func scopeSQL(col string, sc auth.Scope, args *[]any) string {
	if sc.All {
		return "1 = 1"
	}
	var parts []string
	for _, p := range sc.Subtrees {
		lo, hi := SubtreeBounds(p)
		parts = append(parts, fmt.Sprintf("(%s >= %s AND %s < %s)", col, arg(args, lo), col, arg(args, hi)))
	}
	for _, u := range sc.Units {
		parts = append(parts, fmt.Sprintf("%s = %s", col, arg(args, u)))
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// narrow restricts sc to the subtree at under. ok is false when nothing of
// sc lies there, which callers answer with NotFound.
func narrow(sc auth.Scope, under string) (out auth.Scope, ok bool) {
	if sc.All || (auth.Scope{Subtrees: sc.Subtrees}).Contains(under) {
		return auth.Scope{Subtrees: []string{under}}, true
	}
	// Only the parts of sc below under; a unit-only grant on under itself
	// stays a single unit.
	for _, p := range sc.Subtrees {
		if strings.HasPrefix(p, under) {
			out.Subtrees = append(out.Subtrees, p)
		}
	}
	for _, u := range sc.Units {
		if strings.HasPrefix(u, under) {
			out.Units = append(out.Units, u)
		}
	}
	return out, len(out.Subtrees)+len(out.Units) > 0
}

// page returns limit and offset clamped to sane values: 50 rows by default,
// at most 1000.
func page(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 50
	}
	if limit > 1000 {
		limit = 1000
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

// DateLayout is the layout of dates: 'YYYY-MM-DD'.
const DateLayout = "2006-01-02"

// validDate reports whether s is a date in DateLayout.
func validDate(s string) bool {
	t, err := time.Parse(DateLayout, s)
	return err == nil && t.Format(DateLayout) == s
}

// checkText validates a required text field of at most max characters.
func checkText(field, keyPrefix, what, s string, max int) *errs.Error {
	switch {
	case strings.TrimSpace(s) == "":
		return invalid(field, keyPrefix+"."+field+"_required", what+" is required")
	case utf8.RuneCountInString(s) > max:
		e := invalid(field, keyPrefix+"."+field+"_too_long", fmt.Sprintf("%s is longer than %d characters", what, max))
		e.Args = map[string]any{"max": max}
		return e
	case s != strings.TrimSpace(s):
		return invalid(field, keyPrefix+"."+field+"_spaces", what+" has leading or trailing spaces")
	}
	return nil
}

// micros converts unix microseconds to a time.
func micros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullID maps 0 to NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// nullDate maps "" to NULL.
func nullDate(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// idString formats an id for the audit log.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
