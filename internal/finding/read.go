package finding

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/db"
	"kaohe/internal/org"
)

// findingCols are the columns scanFinding reads, of findings f.
const findingCols = `f.id, f.body_unit_id, f.source, f.category, f.severity, f.found_on, f.reference, f.title, f.description,
	f.unit_id, f.status, f.notified_on, f.created_at, f.updated_at`

// queryFindings reads the findings of a query that selects findingCols,
// with their units and people.
func queryFindings(ctx context.Context, tx *db.Tx, query string, args []any) ([]*Finding, error) {
	var out []*Finding
	err := db.EachRow(ctx, tx, query, args, func(scan func(...any) error) error {
		f := &Finding{}
		var created, updated int64
		if err := scan(&f.ID, &f.BodyID, &f.Source, &f.Category, &f.Severity, &f.FoundOn, &f.Reference, &f.Title, &f.Description,
			&f.UnitID, &f.Status, &f.NotifiedOn, &created, &updated); err != nil {
			return err
		}
		f.CreatedAt, f.UpdatedAt = db.Micros(created), db.Micros(updated)
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	return out, fill(ctx, tx, out)
}

// get reads finding id; NotFound when there is none.
func get(ctx context.Context, tx *db.Tx, id int64) (*Finding, error) {
	fs, err := queryFindings(ctx, tx, `SELECT `+findingCols+` FROM findings f WHERE f.id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, noSuch()
	}
	return fs[0], nil
}

// fill reads the units and people of findings.
func fill(ctx context.Context, tx *db.Tx, fs []*Finding) error {
	if len(fs) == 0 {
		return nil
	}
	var unitIDs, ids []int64
	byID := make(map[int64]*Finding, len(fs))
	for _, f := range fs {
		unitIDs = append(unitIDs, f.BodyID, f.UnitID)
		ids = append(ids, f.ID)
		byID[f.ID] = f
	}
	sent, err := sentTo(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, ts := range sent {
		for _, t := range ts {
			unitIDs = append(unitIDs, t.to)
		}
	}
	units, err := org.UnitsByID(ctx, tx, unitIDs)
	if err != nil {
		return err
	}
	for _, f := range fs {
		b, u := units[f.BodyID], units[f.UnitID]
		if b == nil || u == nil {
			return fmt.Errorf("finding %d: its units are missing", f.ID)
		}
		f.Body, f.bodyPath = b.Name, b.Path
		f.Unit, f.UnitCode, f.unitPath = u.Name, u.Code, u.Path
		for _, t := range sent[f.ID] {
			if to := units[t.to]; to != nil {
				f.receivers = append(f.receivers, to.Path)
				f.TransferStatus, f.TransferTo = t.status, to.Name
			}
		}
	}
	named := map[int64][]int64{}
	var people []int64
	for start := 0; start < len(ids); start += 500 {
		var args []any
		err := db.EachRow(ctx, tx, `SELECT finding_id, person_id FROM finding_people WHERE finding_id IN (`+
			db.In(&args, ids[start:min(start+500, len(ids))])+`)`, args, func(scan func(...any) error) error {
			var f, p int64
			if err := scan(&f, &p); err != nil {
				return err
			}
			named[f] = append(named[f], p)
			people = append(people, p)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the people of findings: %w", err)
		}
	}
	ps, err := org.PeopleByID(ctx, tx, people)
	if err != nil {
		return err
	}
	for id, pids := range named {
		f := byID[id]
		for _, pid := range pids {
			if p := ps[pid]; p != nil {
				f.People = append(f.People, Named{ID: p.ID, Name: p.Name, Unit: p.UnitName})
			}
		}
		slices.SortFunc(f.People, func(a, b Named) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	}
	return nil
}

// sent is a transfer as a finding's reader needs it: to whom, and where it
// stands.
type sent struct {
	to     int64
	status TransferStatus
}

// sentTo reads the transfers of findings ids, by finding, the earliest
// sent first.
func sentTo(ctx context.Context, tx *db.Tx, ids []int64) (map[int64][]sent, error) {
	out := map[int64][]sent{}
	for start := 0; start < len(ids); start += 500 {
		var args []any
		err := db.EachRow(ctx, tx, `SELECT finding_id, to_body_id, status FROM finding_transfers WHERE finding_id IN (`+
			db.In(&args, ids[start:min(start+500, len(ids))])+`) ORDER BY sent_at, id`, args, func(scan func(...any) error) error {
			var f int64
			var t sent
			if err := scan(&f, &t.to, &t.status); err != nil {
				return err
			}
			out[f] = append(out[f], t)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the transfers of findings: %w", err)
		}
	}
	return out, nil
}
