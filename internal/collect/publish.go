package collect

import (
	"context"
	"fmt"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
)

// Publication is a set of values that an owning system computed — the
// 好差评 system's rates, the delivery rate of commitments — for the data
// items it owns. Schemes score them like any collected value, and the
// value's source names the system (decision 0121).
type Publication struct {
	// System is the publishing system: SourceReview, SourceTrack or
	// SourceFeedback.
	System Source
	// Items define the system's data items; one missing from the
	// catalogue is created from its definition, one present is left as it
	// is (the office may have renamed it or changed its owner).
	Items []*Item
	// Reason says why changed values replace the current ones, e.g.
	// "工单 W-12 办结后重新计算".
	Reason string
	Values []Published
}

// Published is one computed value.
type Published struct {
	// EntityID is the unit or person the value is of, as the item's
	// entity kind says.
	EntityID     int64
	Item, Period string
	Value        float64
}

// Publish writes the values of p in the caller's transaction as the
// current versions of the system's data items: a value equal to the
// current one is unchanged, a changed one becomes a new version with
// p.Reason, and every new version starts verified, since a computed value
// is not reviewed. It goes through the checks of every submission (the
// item's periods, bounds and entities) and is recorded in the audit log
// like one, with the system as its source.
//
// The caller has authorized the action that caused the publication (a
// work order closed, a commitment verified); Publish checks only that a
// is signed in.
func (s *Service) Publish(ctx context.Context, tx *db.Tx, a *auth.Actor, p Publication) (*Report, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if !p.System.System() {
		return nil, fmt.Errorf("publish: %q is not a publishing system", p.System)
	}
	if err := ensureItems(ctx, tx, p.Items); err != nil {
		return nil, err
	}
	if len(p.Values) == 0 {
		return &Report{}, nil
	}
	codes := map[string]bool{}
	var list []string
	for _, v := range p.Values {
		if !codes[v.Item] {
			codes[v.Item] = true
			list = append(list, v.Item)
		}
	}
	items, err := itemsByCode(ctx, tx, list)
	if err != nil {
		return nil, err
	}
	var unitIDs []int64
	for _, v := range p.Values {
		if it := items[v.Item]; it != nil && it.EntityKind == EntityUnit {
			unitIDs = append(unitIDs, v.EntityID)
		}
	}
	units, err := org.UnitsByID(ctx, tx, unitIDs)
	if err != nil {
		return nil, err
	}
	b := Batch{Source: p.System, Rows: make([]Row, len(p.Values))}
	for i, v := range p.Values {
		r := Row{Line: i + 1, Item: v.Item, Period: v.Period, Value: strconv.FormatFloat(v.Value, 'g', -1, 64), Reason: p.Reason}
		switch it := items[v.Item]; {
		case it == nil:
		case it.EntityKind == EntityPerson:
			r.Entity = "person:" + db.FormatID(v.EntityID)
		case units[v.EntityID] != nil:
			r.Entity = units[v.EntityID].Code
		default:
			r.Entity = "unit:" + db.FormatID(v.EntityID) // unknown: prepare names it
		}
		b.Rows[i] = r
	}
	plan, err := s.prepare(ctx, tx, a, &b, false)
	if err != nil {
		return nil, err
	}
	if len(plan.recs) == 0 {
		return &plan.rep, nil // nothing changed: nothing to record
	}
	if err := plan.write(ctx, tx, nil, a, s.first); err != nil {
		return nil, err
	}
	return &plan.rep, plan.record(ctx, tx, a)
}

// ensureItems creates the items of defs that the catalogue lacks.
func ensureItems(ctx context.Context, tx *db.Tx, defs []*Item) error {
	if len(defs) == 0 {
		return nil
	}
	codes := make([]string, len(defs))
	for i, it := range defs {
		codes[i] = it.Code
	}
	have, err := itemsByCode(ctx, tx, codes)
	if err != nil {
		return err
	}
	var missing []*Item
	for _, it := range defs {
		if have[it.Code] != nil {
			continue
		}
		if err := it.Validate(); err != nil {
			return err
		}
		if it.ID == 0 {
			it.ID = db.NewID()
		}
		have[it.Code] = it
		missing = append(missing, it)
	}
	if len(missing) == 0 {
		return nil
	}
	return InsertItems(ctx, tx, missing)
}
