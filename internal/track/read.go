package track

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"sort"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

const commitmentCols = `c.id, c.owner_kind, c.unit_id, c.person_id, c.year, c.title, c.dimension, c.target_kind, c.item_code,
	c.target_value, c.due_on, c.version, c.status, c.review_comment, c.stage, c.verdict, c.verdict_reason, c.created_at, c.updated_at`

const commitmentFrom = ` FROM commitments c`

func scanCommitment(scan func(...any) error) (*Commitment, error) {
	c := &Commitment{}
	var tv sql.NullFloat64
	var created, updated int64
	if err := scan(&c.ID, &c.Owner, &c.UnitID, &c.PersonID, &c.Year, &c.Title, &c.Dimension, &c.Target, &c.ItemCode, &tv, &c.DueOn,
		&c.Version, &c.Status, &c.ReviewComment, &c.Stage, &c.Verdict, &c.VerdictReason, &created, &updated); err != nil {
		return nil, err
	}
	if tv.Valid {
		c.TargetValue = &tv.Float64
	}
	c.CreatedAt, c.UpdatedAt = db.Micros(created), db.Micros(updated)
	return c, nil
}

// get reads commitment id with its milestones and its item's name.
func get(ctx context.Context, tx *db.Tx, id int64) (*Commitment, error) {
	var c *Commitment
	err := db.EachRow(ctx, tx, `SELECT `+commitmentCols+commitmentFrom+` WHERE c.id = $1`, []any{id}, func(scan func(...any) error) (err error) {
		c, err = scanCommitment(scan)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read commitment: %w", err)
	}
	if c == nil {
		return nil, errs.NoSuch("commitment")
	}
	if c.Milestones, err = milestonesOf(ctx, tx, id); err != nil {
		return nil, err
	}
	if err := fill(ctx, tx, []*Commitment{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// milestonesOf reads the milestones of commitment id in order.
func milestonesOf(ctx context.Context, tx *db.Tx, id int64) ([]Milestone, error) {
	var out []Milestone
	err := db.EachRow(ctx, tx, `SELECT title, due_on FROM commitment_milestones WHERE commitment_id = $1 ORDER BY seq`, []any{id},
		func(scan func(...any) error) error {
			var m Milestone
			if err := scan(&m.Title, &m.DueOn); err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read milestones: %w", err)
	}
	return out, nil
}

// readable reads commitment id for a, who must be able to read the board
// of its unit (or own it); NotFound for anyone else.
func (s *Service) readable(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Commitment, error) {
	c, err := get(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if s.pol.Authorize(a, auth.ActCommitmentRead, c.unitPath) != nil && !(c.Owner == OwnerPerson && a.PersonID == c.PersonID) {
		return nil, errs.NoSuch("commitment")
	}
	return c, nil
}

// Detail is a commitment with its versions, reports and files, and what
// the actor may do with it.
type Detail struct {
	Commitment
	Versions []*Version
	// Proposed is the change awaiting the office's approval, nil for none.
	Proposed *Version
	Reports  []*Report
	// Write: the actor owns the commitment (or is the office); Review: the
	// actor reviews it; Verify: the actor verifies it.
	Write, Review, Verify bool
}

// Get returns commitment id to whoever may read its unit's board.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Detail, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *Detail
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		d := &Detail{Commitment: *c}
		d.Write = s.mayWrite(ctx, tx, a, c.Owner, c.unitPath, c.PersonID) == nil
		d.Review = s.pol.Authorize(a, auth.ActCommitmentReview, c.unitPath) == nil
		d.Verify = s.pol.Authorize(a, auth.ActCommitmentVerify, c.unitPath) == nil
		vs, err := versionsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Status == VersionProposed {
				d.Proposed = v
			} else {
				d.Versions = append(d.Versions, v)
			}
		}
		if d.Reports, err = reportsOf(ctx, tx, id); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Filter selects commitments of the board. Zero fields do not filter.
type Filter struct {
	Year int
	// UnitID keeps the commitments of one unit, its team's and its cadres'.
	UnitID int64
	// PersonID keeps one cadre's.
	PersonID int64
	Owner    OwnerKind
	Status   Status
	Stage    Stage
}

// maxBoard is the most commitments one board page lists.
const maxBoard = 500

// Board lists the commitments the actor may read (公开亮晒), by unit, owner
// and title, at most maxBoard; more reports whether there were more.
func (s *Service) Board(ctx context.Context, a *auth.Actor, f Filter) (out []*Commitment, more bool, err error) {
	if err := signedIn(a); err != nil {
		return nil, false, err
	}
	sc := s.pol.Scope(a, auth.ActCommitmentRead)
	err = s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := org.UnitInScopeSQL("c.unit_id", sc, &args)
		if a.PersonID != 0 {
			cond = "(" + cond + " OR (c.owner_kind = 'person' AND c.person_id = " + db.Arg(&args, a.PersonID) + "))"
		}
		if f.Year != 0 {
			cond += " AND c.year = " + db.Arg(&args, f.Year)
		}
		if f.UnitID != 0 {
			cond += " AND c.unit_id = " + db.Arg(&args, f.UnitID)
		}
		if f.PersonID != 0 {
			cond += " AND c.person_id = " + db.Arg(&args, f.PersonID)
		}
		if f.Owner != "" {
			cond += " AND c.owner_kind = " + db.Arg(&args, string(f.Owner))
		}
		if f.Status != "" {
			cond += " AND c.status = " + db.Arg(&args, string(f.Status))
		}
		if f.Stage != "" {
			cond += " AND c.stage = " + db.Arg(&args, string(f.Stage))
		}
		err := db.EachRow(ctx, tx, `SELECT `+commitmentCols+commitmentFrom+` WHERE `+cond+`
			ORDER BY c.unit_id, c.id LIMIT `+fmt.Sprint(maxBoard+1), args,
			func(scan func(...any) error) error {
				c, err := scanCommitment(scan)
				if err != nil {
					return err
				}
				out = append(out, c)
				return nil
			})
		if err != nil {
			return fmt.Errorf("list commitments: %w", err)
		}
		if len(out) > maxBoard {
			out, more = out[:maxBoard], true
		}
		if err := fill(ctx, tx, out); err != nil {
			return err
		}
		// The board reads by unit down the tree, the team before its cadres.
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i], out[j]
			return cmp.Or(cmp.Compare(a.unitPath, b.unitPath), cmp.Compare(b.Owner, a.Owner), cmp.Compare(a.Person, b.Person),
				cmp.Compare(a.Title, b.Title)) < 0
		})
		return nil
	})
	return out, more, err
}

// fill names the commitments' units, cadres and items.
func fill(ctx context.Context, tx *db.Tx, cs []*Commitment) error {
	var units, people []int64
	for _, c := range cs {
		units = append(units, c.UnitID)
		if c.PersonID != 0 {
			people = append(people, c.PersonID)
		}
	}
	us, err := org.UnitsByID(ctx, tx, units)
	if err != nil {
		return err
	}
	ps, err := org.PeopleByID(ctx, tx, people)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if u := us[c.UnitID]; u != nil {
			c.Unit, c.unitPath = u.Name, u.Path
		}
		if p := ps[c.PersonID]; p != nil {
			c.Person = p.Name
		}
	}
	if err := loadMilestones(ctx, tx, cs); err != nil {
		return err
	}
	return nameItems(ctx, tx, cs)
}

// loadMilestones reads the milestones of cs in order, a few hundred
// commitments a query.
func loadMilestones(ctx context.Context, tx *db.Tx, cs []*Commitment) error {
	byID := make(map[int64]*Commitment, len(cs))
	var ids []int64
	for _, c := range cs {
		if c.Target == TargetMilestones && byID[c.ID] == nil {
			byID[c.ID] = c
			c.Milestones = nil
			ids = append(ids, c.ID)
		}
	}
	for start := 0; start < len(ids); start += 500 {
		var args []any
		q := `SELECT commitment_id, title, due_on FROM commitment_milestones WHERE commitment_id IN (` +
			db.In(&args, ids[start:min(start+500, len(ids))]) + `) ORDER BY commitment_id, seq`
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var id int64
			var m Milestone
			if err := scan(&id, &m.Title, &m.DueOn); err != nil {
				return err
			}
			byID[id].Milestones = append(byID[id].Milestones, m)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read milestones: %w", err)
		}
	}
	return nil
}

// nameItems fills the names of the commitments' items.
func nameItems(ctx context.Context, tx *db.Tx, cs []*Commitment) error {
	var codes []string
	for _, c := range cs {
		if c.ItemCode != "" {
			codes = append(codes, c.ItemCode)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	names, err := collect.ItemNames(ctx, tx, codes)
	if err != nil {
		return err
	}
	for _, c := range cs {
		c.Item = names[c.ItemCode]
	}
	return nil
}
