// Package auth holds Kaohe's users, password hashing, sessions, API tokens,
// roles and the scope Policy that answers every "may this actor do this"
// question.
package auth

import (
	"context"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/db"
)

// Grant is a role in the subtree of a unit.
type Grant struct {
	Role   Role
	UnitID int64
	// UnitPath is the unit's path ("/12/345/"), loaded from the units table;
	// a path given by a caller is ignored when a grant is stored.
	UnitPath string
	// UnitCode and UnitName describe the unit for display; loaded with the
	// grant, ignored when one is stored.
	UnitCode, UnitName string
}

// Actor is whoever acts: a signed-in user, or the system itself.
type Actor struct {
	UserID int64
	Login  string
	Name   string
	// PersonID is the actor's own person record (for cadres), 0 when none.
	PersonID int64
	Grants   []Grant
	// Lang is the interface language the user chose: "zh-CN" or "en".
	Lang string
	// System marks the system itself (command line, demo, jobs): it may do
	// everything.
	System bool

	// Share is set when the actor is a consuming system reading through a
	// sharing token (share.go): it reads the sharing routes only.
	Share *Share
}

// SystemActor returns the system acting as name (e.g. "cli", "demo"); it
// may do everything and is recorded in the audit log as "system:<name>".
func SystemActor(name string) *Actor {
	return &Actor{Login: "system:" + name, Name: name, System: true, Lang: DefaultLang}
}

// AuditName is how the audit log names the actor: its login, or
// "system:<name>".
func (a *Actor) AuditName() string {
	if a.System && !strings.HasPrefix(a.Login, "system:") {
		return "system:" + a.Name
	}
	return a.Login
}

// Has reports whether the actor holds role anywhere.
func (a *Actor) Has(role Role) bool {
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// Record writes e to the audit log within tx with the actor filled in.
func Record(ctx context.Context, tx *db.Tx, a *Actor, e audit.Event) error {
	e.ActorID = a.UserID
	e.Actor = a.AuditName()
	return audit.Record(ctx, tx, e)
}
