package cycle

import (
	"context"
	"fmt"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Movers are the results of a cycle that moved most since the previous
// published cycle of the same scheme, subject and owner: in rank first,
// then — where the rank stayed — in total, since in small comparison
// groups ranks seldom move while totals do.
type Movers struct {
	Cycle *Cycle
	// Previous is the cycle compared with: the latest published one that
	// ends before Cycle, of the same kind when there is one (a quarter
	// against the quarter before, a year against the year before), else
	// of any kind. Nil when there is none.
	Previous *Cycle
	// Up are the entities that rose most, Down those that fell most, at
	// most n each, the largest move first: by places, then by the change
	// of the total. An entity whose rank stayed is up when its total rose
	// and down when it fell; one whose total stayed too is in neither.
	Up, Down []Move
}

// Move is an entity's rank and total in a cycle and in the previous one,
// within the same comparison group.
type Move struct {
	Entity                   Entity
	Rank, PrevRank           int
	GroupSize, PrevGroupSize int
	Total, PrevTotal         float64
}

// Places is how many places the entity rose (negative: fell).
func (m Move) Places() int { return m.PrevRank - m.Rank }

// Gain is how much the entity's total rose (negative: fell).
func (m Move) Gain() float64 { return m.Total - m.PrevTotal }

// sameTotal is the largest change of a total that counts as none: the
// precision at which the engine ranks ties (score.TieDecimals).
const sameTotal = 5e-7

// Movers compares the ranks of cycle id with those of its previous
// published cycle (see Movers.Previous) and returns the n entities that
// rose most and the n that fell most (see Movers.Up), of those whose
// results the actor may read and that sit in the same comparison group in
// both.
func (s *Service) Movers(ctx context.Context, a *auth.Actor, id int64, n int) (*Movers, error) {
	var out *Movers
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = &Movers{Cycle: c}
		prev, err := s.previousCycle(ctx, tx, a, c)
		if err != nil || prev == nil {
			return err
		}
		psn, err := getSnapshot(ctx, tx, prev.ID, prev.PublishedSnapshotID)
		if err != nil {
			return err
		}
		out.Previous = prev
		if n <= 0 {
			return nil
		}
		sizes := func(sn *Snapshot) map[string]int {
			m := map[string]int{}
			for _, g := range sn.Header.Groups {
				m[g.Group] = g.N
			}
			return m
		}
		cur, before := sizes(sn), sizes(psn)
		for _, up := range []bool{true, false} {
			args := []any{sn.ID, c.ID, psn.ID, sameTotal}
			q := `SELECT r.entity, e.unit_id, e.person_id, e.unit_path, e.grp, e.name, r.rank, p.rank, r.total, p.total
				FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
				JOIN snapshot_results p ON p.snapshot_id = $3 AND p.entity = r.entity AND p.grp = r.grp
				WHERE r.snapshot_id = $1`
			if !s.fullScope(a, c) {
				q += ` AND ` + s.entityScope(a, &args)
			}
			if up {
				q += ` AND (p.rank > r.rank OR (p.rank = r.rank AND r.total - p.total > $4))
					ORDER BY p.rank - r.rank DESC, r.total - p.total DESC`
			} else {
				q += ` AND (p.rank < r.rank OR (p.rank = r.rank AND p.total - r.total > $4))
					ORDER BY r.rank - p.rank DESC, p.total - r.total DESC`
			}
			// Unit and person IDs, not the entity text, break ties: both
			// engines order integers alike, whatever the collation.
			q += fmt.Sprintf(` , e.unit_id, e.person_id LIMIT %d`, n)
			var ms []Move
			err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
				var m Move
				e := &m.Entity
				if err := scan(&e.ID, &e.UnitID, &e.PersonID, &e.UnitPath, &e.Group, &e.Name, &m.Rank, &m.PrevRank, &m.Total, &m.PrevTotal); err != nil {
					return err
				}
				m.GroupSize, m.PrevGroupSize = cur[e.Group], before[e.Group]
				ms = append(ms, m)
				return nil
			})
			if err != nil {
				return fmt.Errorf("read movers: %w", err)
			}
			if up {
				out.Up = ms
			} else {
				out.Down = ms
			}
		}
		return nil
	})
	return out, err
}

// previousCycle returns the published cycle that c is compared with (see
// Movers.Previous), nil when there is none or the actor may not read it.
func (s *Service) previousCycle(ctx context.Context, tx *db.Tx, a *auth.Actor, c *Cycle) (*Cycle, error) {
	schemeOf := map[int64]int64{}
	schemeID := func(version int64) (int64, error) {
		if id, ok := schemeOf[version]; ok {
			return id, nil
		}
		ch, err := s.src.Schemes.Choice(ctx, tx, version)
		if err != nil {
			return 0, err
		}
		schemeOf[version] = ch.SchemeID
		return ch.SchemeID, nil
	}
	want, err := schemeID(c.SchemeVersionID)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+cycleCols+cycleFrom+` WHERE c.published_snapshot_id <> 0 AND c.subject = $1
		AND c.owner_unit_id = $2 AND c.id <> $3`, c.Subject, c.OwnerUnitID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("find the previous cycle: %w", err)
	}
	var cands []*Cycle
	for rows.Next() {
		x, err := scanCycle(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("find the previous cycle: %w", err)
		}
		cands = append(cands, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find the previous cycle: %w", err)
	}
	var same, latest *Cycle
	for _, x := range cands {
		if periodKey(x) >= periodKey(c) {
			continue
		}
		sid, err := schemeID(x.SchemeVersionID)
		if err != nil {
			return nil, err
		}
		if sid != want {
			continue
		}
		if latest == nil || periodKey(x) > periodKey(latest) {
			latest = x
		}
		if x.Kind == c.Kind && (same == nil || periodKey(x) > periodKey(same)) {
			same = x
		}
	}
	prev := same
	if prev == nil {
		prev = latest
	}
	if prev == nil {
		return nil, nil
	}
	prev, err = s.readableCycle(ctx, tx, a, prev.ID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return prev, err
}

// ByTime compares cycles by when they end, for sorting: by end date, then
// period, then code (byte order, the same on both engines), as a
// profile's history orders them.
func ByTime(x, y *Cycle) int { return strings.Compare(periodKey(x), periodKey(y)) }

// periodKey is the key ByTime compares.
func periodKey(c *Cycle) string {
	return c.EndsOn + "\x00" + c.Period + "\x00" + c.Code
}
