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
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
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

// likeArg returns a LIKE pattern that matches s anywhere, with LIKE's
// wildcards in s escaped by '\'.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
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

// nullID maps 0 to NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// nullDate maps "" to NULL.
func nullDate(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
