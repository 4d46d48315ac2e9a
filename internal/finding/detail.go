package finding

import (
	"context"
	"encoding/json"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// Detail is a finding as its page shows it to one actor.
type Detail struct {
	Finding
	Files []*File
	// History is the finding's audit trail, newest first; nil for a cadre
	// who reads the finding only because it names her.
	History []Change
	// Pages says which of the people named the actor may open, by id;
	// UnitPage that it may open the unit's page.
	Pages    map[int64]bool
	UnitPage bool
	// Write says the actor may change the finding (it records as its
	// body); Open that the finding is active, so that it still changes.
	Write, Open bool
	// Named says the actor reads the finding as a cadre it names: People
	// then holds the actor alone.
	Named bool
	// Transfers are the finding's transfers to other bodies (线索移送), the
	// earliest first; nil for a cadre it names. Targets are the bodies the
	// actor may transfer it to: set for its body while it is not voided.
	Transfers []*Transfer
	Targets   []*Body
}

// Change is an entry of a finding's history: the audit entry, and the
// fields it changed (the keys of the finding's summary whose values
// differ between before and after, in the summary's order).
type Change struct {
	auth.LogEntry
	Fields []string
}

// historyLimit bounds the history a page shows.
const historyLimit = 200

// Get returns finding id with its evidence, the names of its body, unit
// and people, and its history, to whoever may read it: its body, the
// office of its unit, a cadre it names once notified (who sees herself
// among the people and no history). Anyone else gets NotFound.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Detail, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Detail
	err := s.db.View(ctx, func(tx *db.Tx) error {
		f, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mayRead(a, f); err != nil {
			return err
		}
		d := &Detail{Finding: *f, Open: f.Status == Active, Write: s.pol.Authorize(a, auth.ActFindingWrite, f.bodyPath) == nil,
			UnitPage: s.pol.Authorize(a, auth.ActUnitRead, f.unitPath) == nil}
		if d.Named = !s.readsWhole(a, f); d.Named {
			d.People = onlyMe(d.People, a.PersonID)
		}
		if d.Files, err = filesOf(ctx, tx, id); err != nil {
			return err
		}
		if d.Pages, err = s.personPages(ctx, tx, a, d.PersonIDs()); err != nil {
			return err
		}
		if !d.Named {
			if d.History, err = history(ctx, tx, f); err != nil {
				return err
			}
			ts, err := transfersOf(ctx, tx, []int64{f.ID})
			if err != nil {
				return err
			}
			for _, t := range ts[f.ID] {
				t.Act = t.Status.Open() && s.pol.Authorize(a, auth.ActFindingWrite, t.toPath) == nil
			}
			d.Transfers = ts[f.ID]
		}
		if d.Write && f.Status != Voided {
			if d.Targets, err = targetsOf(ctx, tx, f); err != nil {
				return err
			}
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// personPages says which of people a may open the page of.
func (s *Service) personPages(ctx context.Context, tx *db.Tx, a *auth.Actor, people []int64) (map[int64]bool, error) {
	paths, err := org.PersonPaths(ctx, tx, people, false)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, id := range people {
		out[id] = s.pol.AuthorizePerson(a, auth.ActPersonRead, id, paths[id]) == nil
	}
	return out, nil
}

// history reads the audit entries of finding f, newest first, with the
// names of their actors and the fields each changed.
func history(ctx context.Context, tx *db.Tx, f *Finding) ([]Change, error) {
	entries, err := audit.List(ctx, tx, audit.Filter{Scopes: []string{audit.GlobalPath}, ObjectType: "finding",
		ObjectID: db.FormatID(f.ID), Limit: historyLimit})
	if err != nil {
		return nil, err
	}
	var actors []int64
	for _, e := range entries {
		actors = append(actors, e.ActorID)
	}
	users, err := auth.UserNames(ctx, tx, actors)
	if err != nil {
		return nil, err
	}
	out := make([]Change, len(entries))
	for i, e := range entries {
		out[i] = Change{LogEntry: auth.LogEntry{Entry: e, ActorName: users[e.ActorID].Name,
			Object: auth.AuditObject{Name: f.Title, Page: "finding", PageKey: []string{db.FormatID(f.ID)}}}}
		if e.Action == "finding.update" {
			out[i].Fields = changed(e.Before, e.After)
		}
	}
	return out, nil
}

// summaryFields are the keys of a finding's summary in the order a page
// lists them.
var summaryFields = []string{"source", "category", "severity", "found_on", "reference", "title", "description", "unit_id", "people"}

// changed lists the summary fields whose values differ between two JSON
// summaries.
func changed(before, after string) []string {
	var b, a map[string]json.RawMessage
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil {
		return nil
	}
	var out []string
	for _, k := range summaryFields {
		if string(b[k]) != string(a[k]) {
			out = append(out, k)
		}
	}
	return out
}
