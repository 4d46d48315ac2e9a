package auth

import (
	"context"
	"strconv"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// LogEntry is an audit entry as people read it: who made the change and
// what it changed, by name.
type LogEntry struct {
	audit.Entry
	// ActorName is the name of the user who made the change; "" for the
	// system or a user no longer there.
	ActorName string
	// Object is the entry's object by name; zero when the object is gone
	// or nothing names its type.
	Object AuditObject
}

// AuditObject is the object of an audit event by name, and the page that
// shows it.
type AuditObject struct {
	Name string
	// Page is the kind of page that shows the object ("unit", "cycle",
	// "scheme_version", …) and PageKey what identifies the object there,
	// e.g. its id; Page is "" when no page shows it.
	Page    string
	PageKey []string
}

// AuditNamer names the objects of one object type from their ObjectIDs,
// in the reading transaction; it leaves out the IDs it cannot name.
type AuditNamer func(ctx context.Context, tx *db.Tx, ids []string) (map[string]AuditObject, error)

// NameAuditObjects adds how AuditLog names the objects of the types that
// other packages own, by object type.
func (s *Service) NameAuditObjects(namers map[string]AuditNamer) {
	for typ, n := range namers {
		s.namers[typ] = n
	}
}

// ownNamers name the objects of the types auth owns.
func ownNamers() map[string]AuditNamer {
	return map[string]AuditNamer{"user": nameUsers, "api_token": nameTokens}
}

// AuditLog lists the audit log within the scopes the policy gives the actor
// for reading it, newest first, filtered by f (its Scopes are replaced),
// each entry with its actor's and its object's name. An actor with no such
// scope is refused: Forbidden where it holds a grant, NotFound otherwise.
func (s *Service) AuditLog(ctx context.Context, a *Actor, f audit.Filter) ([]LogEntry, error) {
	if s.pol.Scope(a, ActAuditRead).Empty() {
		if a != nil {
			for _, g := range a.Grants {
				if err := s.pol.Authorize(a, ActAuditRead, g.UnitPath); err != nil {
					return nil, err
				}
			}
		}
		return nil, errs.New(errs.NotFound, "error.not_found", "not found")
	}
	f.Scopes = s.pol.Scopes(a, ActAuditRead)
	var out []LogEntry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		entries, err := audit.List(ctx, tx, f)
		if err != nil {
			return err
		}
		out, err = s.nameEntries(ctx, tx, entries)
		return err
	})
	return out, err
}

// nameEntries names the actors and objects of entries.
func (s *Service) nameEntries(ctx context.Context, tx *db.Tx, entries []audit.Entry) ([]LogEntry, error) {
	var actors []int64
	objects := map[string][]string{} // object type → ids
	for _, e := range entries {
		if e.ActorID != 0 {
			actors = append(actors, e.ActorID)
		}
		if e.ObjectID != "" {
			objects[e.ObjectType] = append(objects[e.ObjectType], e.ObjectID)
		}
	}
	users, err := UserNames(ctx, tx, actors)
	if err != nil {
		return nil, err
	}
	named := map[string]map[string]AuditObject{}
	for typ, ids := range objects {
		namer := s.namers[typ]
		if namer == nil {
			continue
		}
		if named[typ], err = namer(ctx, tx, ids); err != nil {
			return nil, err
		}
	}
	out := make([]LogEntry, len(entries))
	for i, e := range entries {
		out[i] = LogEntry{Entry: e, ActorName: users[e.ActorID].Name, Object: named[e.ObjectType][e.ObjectID]}
	}
	return out, nil
}

// nameUsers names the users of ids, which no page shows one by one.
func nameUsers(ctx context.Context, tx *db.Tx, ids []string) (map[string]AuditObject, error) {
	users, err := UserNames(ctx, tx, parseIDs(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[string]AuditObject, len(users))
	for id, u := range users {
		out[db.FormatID(id)] = AuditObject{Name: u.Name}
	}
	return out, nil
}

// nameTokens names the API tokens of ids by what they are for.
func nameTokens(ctx context.Context, tx *db.Tx, ids []string) (map[string]AuditObject, error) {
	names, err := db.Names(ctx, tx, `SELECT id, name FROM api_tokens WHERE id IN (%s)`, parseIDs(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[string]AuditObject, len(names))
	for id, name := range names {
		out[db.FormatID(id)] = AuditObject{Name: name}
	}
	return out, nil
}

// parseIDs reads the decimal ids of audit objects, skipping any other.
func parseIDs(ids []string) []int64 {
	var out []int64
	for _, s := range ids {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
