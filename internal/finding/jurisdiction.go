package finding

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Body is a supervisory body (监督机关) with its jurisdiction: the subtree
// of the region a department body belongs to (the nearest region above
// it), or a region body's own subtree — as a provider department reports
// on its region (collect's ScopePath).
type Body struct {
	*org.Unit
	// Scope is the path of the jurisdiction's region.
	Scope string
}

// Covers reports whether the unit at path lies in the body's
// jurisdiction.
func (b *Body) Covers(path string) bool { return strings.HasPrefix(path, b.Scope) }

// bodyOf reads unit id as a body with its jurisdiction.
func bodyOf(ctx context.Context, tx *db.Tx, id int64) (*Body, error) {
	u, err := org.GetUnit(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	bs, err := asBodies(ctx, tx, []*org.Unit{u})
	if err != nil {
		return nil, err
	}
	return bs[0], nil
}

// asBodies gives units their jurisdictions.
func asBodies(ctx context.Context, tx *db.Tx, us []*org.Unit) ([]*Body, error) {
	var above []int64
	for _, u := range us {
		above = append(above, ancestors(u.Path)...)
	}
	units, err := org.UnitsByID(ctx, tx, above)
	if err != nil {
		return nil, err
	}
	out := make([]*Body, len(us))
	for i, u := range us {
		b := &Body{Unit: u, Scope: u.Path}
		if u.Kind != org.KindRegion {
			ids := ancestors(u.Path)
			for k := len(ids) - 1; k >= 0; k-- {
				if p := units[ids[k]]; p != nil && p.Kind == org.KindRegion {
					b.Scope = p.Path
					break
				}
			}
		}
		out[i] = b
	}
	return out, nil
}

// ancestors are the ids of the units above the unit at path, from the
// root down.
func ancestors(path string) []int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var out []int64
	for _, p := range parts[:max(len(parts)-1, 0)] {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// bodyIDs are the units where a may record findings: the units of its
// grants whose role carries ActFindingWrite.
func bodyIDs(a *auth.Actor) []int64 {
	var out []int64
	for _, g := range a.Grants {
		if auth.ReachOf(g.Role, auth.ActFindingWrite) != auth.None {
			out = append(out, g.UnitID)
		}
	}
	return out
}

// actorBodies reads the bodies a records findings as, with their
// jurisdictions: the units of its supervisor grants (none for the system,
// which names the body each time).
func actorBodies(ctx context.Context, tx *db.Tx, a *auth.Actor) ([]*Body, error) {
	ids := bodyIDs(a)
	if len(ids) == 0 {
		return nil, nil
	}
	units, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var us []*org.Unit
	for _, id := range ids {
		if u := units[id]; u != nil {
			us = append(us, u)
		}
	}
	return asBodies(ctx, tx, us)
}

// writableBody reads the body a finding is recorded by and checks that a
// may record as it; id 0 picks the actor's one body.
func (s *Service) writableBody(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Body, error) {
	if id == 0 {
		if ids := bodyIDs(a); len(ids) == 1 {
			id = ids[0]
		}
	}
	if id == 0 && len(bodyIDs(a)) == 0 && !a.System {
		return nil, s.pol.RequireAny(a, auth.ActFindingWrite)
	}
	if id == 0 {
		return nil, errs.Field("body_id", "finding.body_required", "choose the supervisory body that records the finding")
	}
	b, err := bodyOf(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		e := errs.NoSuch("unit")
		e.Field = "body_id"
		return nil, e
	}
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, auth.ActFindingWrite, b.Path); err != nil {
		return nil, err
	}
	return b, nil
}

// mayRead returns nil when a may read f: as the body that recorded it
// (ActFindingWrite on the body), as a body it was transferred to
// (ActFindingWrite on that body), as a reader of its unit (ActFindingRead:
// the office), or as a cadre it names once it is notified. Anything else
// answers NotFound, never Forbidden: that a finding exists is itself
// sensitive.
func (s *Service) mayRead(a *auth.Actor, f *Finding) error {
	if s.readsWhole(a, f) || s.readsAsNamed(a, f) {
		return nil
	}
	return noSuch()
}

// readsWhole reports whether a reads f whole: as its body, as a body it
// was transferred to, or as a reader of its unit.
func (s *Service) readsWhole(a *auth.Actor, f *Finding) bool {
	return s.pol.Authorize(a, auth.ActFindingWrite, f.bodyPath) == nil || s.pol.Authorize(a, auth.ActFindingRead, f.unitPath) == nil ||
		s.receives(a, f)
}

// receives reports whether f was transferred to a body a records as.
func (s *Service) receives(a *auth.Actor, f *Finding) bool {
	return slices.ContainsFunc(f.receivers, func(p string) bool { return s.pol.Authorize(a, auth.ActFindingWrite, p) == nil })
}

// readsAsNamed reports whether a reads f only as a cadre it names: f is
// notified and names the actor's person, whom a may read findings of.
func (s *Service) readsAsNamed(a *auth.Actor, f *Finding) bool {
	return a.PersonID != 0 && f.Notified() && f.names(a.PersonID) &&
		s.pol.AuthorizePerson(a, auth.ActFindingRead, a.PersonID, nil) == nil
}

// mayWrite returns nil when a may change f (ActFindingWrite on its body):
// NotFound when a may not even read it, Forbidden when it may.
func (s *Service) mayWrite(a *auth.Actor, f *Finding) error {
	if err := s.mayRead(a, f); err != nil {
		return err
	}
	err := s.pol.Authorize(a, auth.ActFindingWrite, f.bodyPath)
	if errs.Is(err, errs.NotFound) {
		e := errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActFindingWrite))
		e.Args = map[string]any{"action": string(auth.ActFindingWrite)}
		return e
	}
	return err
}

// sight is where a reads findings, for lists: the bodies it records as,
// the units in its ActFindingRead scope, and its own person.
type sight struct {
	bodies auth.Scope
	units  auth.Scope
	// person is the actor's person when a grant lets it read the findings
	// that name it, else 0.
	person int64
}

func (s *Service) sightOf(a *auth.Actor) sight {
	sg := sight{bodies: s.pol.Scope(a, auth.ActFindingWrite), units: s.pol.Scope(a, auth.ActFindingRead)}
	if sg.units.Self && a.PersonID != 0 {
		sg.person = a.PersonID
	}
	return sg
}

func (sg sight) empty() bool { return sg.bodies.Empty() && sg.units.Empty() && sg.person == 0 }

// sql is the condition that finding f is in sight.
func (sg sight) sql(args *[]any) string {
	var or []string
	if !sg.bodies.Empty() {
		or = append(or, org.UnitInScopeSQL("f.body_unit_id", sg.bodies, args),
			"f.id IN (SELECT t.finding_id FROM finding_transfers t WHERE "+org.UnitInScopeSQL("t.to_body_id", sg.bodies, args)+")")
	}
	if sg.units.All || len(sg.units.Subtrees) > 0 || len(sg.units.Units) > 0 {
		or = append(or, org.UnitInScopeSQL("f.unit_id", sg.units, args))
	}
	if sg.person != 0 {
		or = append(or, `(f.notified_on <> '' AND f.id IN (SELECT finding_id FROM finding_people WHERE person_id = `+
			db.Arg(args, sg.person)+`))`)
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
