package cycle

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// ArchiveFilter selects the published results of one cadre or unit
// across cycles (实绩档案, R8.1). Exactly one of its fields is set.
type ArchiveFilter struct {
	// PersonID selects the cadre's results in cadre cycles.
	PersonID int64
	// UnitID selects the results of the unit's leadership team.
	UnitID int64
	// Own selects the actor's own results: its person's, and those of the
	// teams of the units its grants reach alone (an assessed cadre's unit).
	Own bool
}

// ArchiveEntry is one published result with what its radar needs.
type ArchiveEntry struct {
	Cycle  *Cycle
	Result *Result
	// Interval is true when the snapshot drew weights, so that the rank
	// interval means something.
	Interval bool
	// Group holds the result's comparison group's totals.
	Group GroupStats
	// Dimensions are the radar axes against the group mean and median.
	Dimensions []Dimension
}

// Archive returns the published results f selects that the actor may
// read, newest cycle first (by end date, then period). Results the actor
// may not read are left out, not reported.
func (s *Service) Archive(ctx context.Context, a *auth.Actor, f ArchiveFilter) ([]*ArchiveEntry, error) {
	if a == nil {
		return nil, s.pol.Authorize(a, auth.ActResultRead, "")
	}
	var args []any
	var cond string
	switch {
	case f.PersonID != 0:
		cond = "e.person_id = " + db.Arg(&args, f.PersonID)
	case f.UnitID != 0:
		cond = "e.person_id = 0 AND e.unit_id = " + db.Arg(&args, f.UnitID)
	case f.Own:
		var own []string
		if a.PersonID != 0 {
			own = append(own, "e.person_id = "+db.Arg(&args, a.PersonID))
		}
		if units := s.pol.Scope(a, auth.ActTeamResultRead).Units; len(units) > 0 {
			own = append(own, "(e.person_id = 0 AND "+(auth.Scope{Units: units}).SQL("e.unit_path", &args)+")")
		}
		if len(own) == 0 {
			return nil, nil
		}
		cond = "(" + strings.Join(own, " OR ") + ")"
	default:
		return nil, nil
	}
	var out []*ArchiveEntry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+resultCols+`, c.id, r.detail FROM cycle_entities e
			JOIN cycles c ON c.id = e.cycle_id
			JOIN snapshot_results r ON r.snapshot_id = c.published_snapshot_id AND r.entity = e.entity
			WHERE c.published_snapshot_id <> 0 AND `+cond, args...)
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		type found struct {
			cycle  int64
			detail string
			r      *Result
		}
		var fs []found
		for rows.Next() {
			var x found
			r, err := scanResult(rows, &x.cycle, &x.detail)
			if err != nil {
				rows.Close()
				return fmt.Errorf("read archive: %w", err)
			}
			x.r = r
			fs = append(fs, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		for _, x := range fs {
			if s.authorizeEntity(a, &x.r.Entity) != nil {
				continue
			}
			c, err := getCycle(ctx, tx, x.cycle)
			if err != nil {
				return err
			}
			sn, err := getSnapshot(ctx, tx, c.ID, c.PublishedSnapshotID)
			if err != nil {
				return err
			}
			var d Detail
			if err := json.Unmarshal([]byte(x.detail), &d); err != nil {
				return fmt.Errorf("result detail: %w", err)
			}
			en := &ArchiveEntry{Cycle: c, Result: x.r, Interval: sn.Draws > 0}
			for _, g := range sn.Header.Groups {
				if g.Group == x.r.Entity.Group {
					en.Group = g
					x.r.GroupSize = g.N
				}
			}
			en.Dimensions = dimensions(sn.Header, &en.Group, &d)
			out = append(out, en)
		}
		return nil
	})
	// Newest first: the reverse of a history's order.
	slices.SortStableFunc(out, func(x, y *ArchiveEntry) int {
		kx := x.Cycle.EndsOn + "\x00" + x.Cycle.Period + "\x00" + x.Cycle.Code
		ky := y.Cycle.EndsOn + "\x00" + y.Cycle.Period + "\x00" + y.Cycle.Code
		return strings.Compare(ky, kx)
	})
	return out, err
}
