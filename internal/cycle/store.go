package cycle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"slices"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Selection names what a new cycle assesses: units (for a unit cycle),
// people (for a cadre cycle), or — for a cadre cycle without People — the
// leadership-team members holding current posts in Units.
type Selection struct {
	UnitIDs   []int64
	PersonIDs []int64
	// Categories adds the units of these categories (codes) in the owner
	// unit's subtree to UnitIDs.
	Categories []string
}

// Entity is one assessed unit or cadre of a cycle.
type Entity struct {
	// ID is the engine's entity ID: the decimal unit or person id.
	ID       string
	UnitID   int64
	PersonID int64
	UnitPath string
	// Group is the comparison group: the unit's category code (or its
	// level when it has none).
	Group    string
	Name     string
	Sanction bool
}

const cycleCols = `c.id, c.code, c.name, c.kind, c.task, c.subject, c.owner_unit_id, c.owner_path, c.scheme_version_id,
	c.period, c.starts_on, c.ends_on, c.stage, c.draws, c.seed, c.fold_indicator,
	c.approved_snapshot_id, c.published_snapshot_id, c.created_at, c.updated_at, c.entities`

const cycleFrom = ` FROM cycles c`

func scanCycle(r interface{ Scan(...any) error }) (*Cycle, error) {
	var (
		c                Cycle
		seed             int64
		created, updated int64
	)
	if err := r.Scan(&c.ID, &c.Code, &c.Name, &c.Kind, &c.Task, &c.Subject, &c.OwnerUnitID, &c.OwnerPath,
		&c.SchemeVersionID, &c.Period, &c.StartsOn, &c.EndsOn, &c.Stage, &c.Draws, &seed,
		&c.FoldIndicator, &c.ApprovedSnapshotID, &c.PublishedSnapshotID, &created, &updated, &c.Entities); err != nil {
		return nil, err
	}
	c.Seed = uint64(seed)
	c.CreatedAt, c.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &c, nil
}

func getCycle(ctx context.Context, tx *db.Tx, id int64) (*Cycle, error) {
	c, err := scanCycle(tx.QueryRowContext(ctx, `SELECT `+cycleCols+cycleFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("cycle")
	}
	if err != nil {
		return nil, fmt.Errorf("read cycle %d: %w", id, err)
	}
	if c.Parts, err = cycleParts(ctx, tx, id); err != nil {
		return nil, err
	}
	if c.EvaluationIDs, err = cycleEvaluations(ctx, tx, id); err != nil {
		return nil, err
	}
	return c, ownerNames(ctx, tx, []*Cycle{c})
}

// ownerNames fills in the names of the cycles' owner units.
func ownerNames(ctx context.Context, tx *db.Tx, cs []*Cycle) error {
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.OwnerUnitID)
	}
	us, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if u := us[c.OwnerUnitID]; u != nil {
			c.OwnerName = u.Name
		}
	}
	return nil
}

func cycleParts(ctx context.Context, tx *db.Tx, id int64) ([]Part, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.part_cycle_id, p.weight, c.code, c.name FROM cycle_parts p
		JOIN cycles c ON c.id = p.part_cycle_id WHERE p.cycle_id = $1 ORDER BY c.code`, id)
	if err != nil {
		return nil, fmt.Errorf("read cycle parts: %w", err)
	}
	defer rows.Close()
	var out []Part
	for rows.Next() {
		var p Part
		if err := rows.Scan(&p.CycleID, &p.Weight, &p.Code, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func cycleEvaluations(ctx context.Context, tx *db.Tx, id int64) ([]int64, error) {
	var out []int64
	err := db.EachRow(ctx, tx, `SELECT evaluation_id FROM cycle_evaluations WHERE cycle_id = $1 ORDER BY evaluation_id`, []any{id},
		func(scan func(...any) error) error {
			var e int64
			if err := scan(&e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read cycle evaluations: %w", err)
	}
	return out, nil
}

// authorizeCycle reads cycle id and checks that a may do action on it.
func (s *Service) authorizeCycle(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*Cycle, error) {
	c, err := getCycle(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, action, c.OwnerPath); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cycle) summary() map[string]any {
	return map[string]any{"code": c.Code, "name": c.Name, "kind": c.Kind, "task": c.Task, "subject": c.Subject,
		"scheme_version_id": c.SchemeVersionID, "period": c.Period, "stage": c.Stage, "draws": c.Draws,
		"seed": c.Seed, "evaluations": c.EvaluationIDs, "fold_indicator": c.FoldIndicator}
}

// Create makes a cycle in stage draft, bound to its scheme version (which
// is locked from now on) and to the entities of sel. The actor needs
// ActCycleManage on the owner unit, and every entity must lie in the owner
// unit's subtree. A zero Seed is derived from the code; Draws 0 means
// DefaultDraws — pass a negative value to score without draws.
func (s *Service) Create(ctx context.Context, a *auth.Actor, c Cycle, sel Selection) (*Cycle, error) {
	if c.Draws == 0 {
		c.Draws = DefaultDraws
	} else if c.Draws < 0 {
		c.Draws = 0
	}
	if c.Seed == 0 {
		c.Seed = seedOf(c.Code)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out *Cycle
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		owner, err := org.GetUnit(ctx, tx, c.OwnerUnitID)
		if errs.Is(err, errs.NotFound) {
			return invalid("owner_unit_id", "cycle.owner_unknown", "unknown owner unit")
		}
		if err != nil {
			return err
		}
		c.OwnerPath = owner.Path
		if err := s.pol.Authorize(a, auth.ActCycleManage, c.OwnerPath); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cycles WHERE code = $1`, c.Code).Scan(&n); err != nil {
			return fmt.Errorf("check cycle code: %w", err)
		}
		if n > 0 {
			e := conflict("cycle.code_taken", fmt.Sprintf("cycle code %q is taken", c.Code))
			e.Field = "code"
			return e
		}
		doc, _, subject, err := s.versionOf(ctx, tx, c.SchemeVersionID)
		if err != nil {
			return err
		}
		if subject != "" && Subject(subject) != c.Subject {
			return invalid("scheme_version_id", "cycle.scheme_subject", "the scheme assesses "+subject+", the cycle "+string(c.Subject))
		}
		if c.FoldIndicator != "" && !isLeaf(doc.Indicators, c.FoldIndicator) {
			return invalid("fold_indicator", "cycle.fold_indicator_unknown", fmt.Sprintf("%q is not a leaf of the scheme", c.FoldIndicator))
		}
		for i, p := range c.Parts {
			pc, err := getCycle(ctx, tx, p.CycleID)
			if err != nil {
				return invalid("parts", "cycle.part_unknown", "unknown cycle to fold in")
			}
			if pc.Kind != Ordinary && pc.Kind != Special {
				return invalid("parts", "cycle.part_kind", "only ordinary and special cycles are folded in")
			}
			if pc.Subject != c.Subject {
				return invalid("parts", "cycle.part_subject", "a folded cycle assesses other subjects")
			}
			if err := s.pol.Authorize(a, auth.ActCycleRead, pc.OwnerPath); err != nil {
				return err
			}
			c.Parts[i].Code, c.Parts[i].Name = pc.Code, pc.Name
		}
		if len(sel.Categories) > 0 {
			ids, err := categoryUnits(ctx, tx, c.OwnerPath, sel.Categories)
			if err != nil {
				return err
			}
			sel.UnitIDs = append(slices.Clone(sel.UnitIDs), ids...)
		}
		ents, err := selectEntities(ctx, tx, c.Subject, sel)
		if err != nil {
			return err
		}
		lo, hi := auth.SubtreeBounds(c.OwnerPath)
		for _, e := range ents {
			if e.UnitPath < lo || e.UnitPath >= hi {
				return invalid("entities", "cycle.entity_out_of_scope", e.Name+" is outside the owner unit's jurisdiction")
			}
		}
		if err := s.src.Schemes.Lock(ctx, tx, c.SchemeVersionID); err != nil {
			return err
		}
		c.ID = db.NewID()
		c.Stage = Draft
		now := tx.Now.UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycles (id, code, name, kind, task, subject, owner_unit_id, owner_path,
			scheme_version_id, period, starts_on, ends_on, stage, draws, seed, fold_indicator,
			approved_snapshot_id, published_snapshot_id, entities, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, 0, $17, $18, $18)`,
			c.ID, c.Code, c.Name, c.Kind, c.Task, c.Subject, c.OwnerUnitID, c.OwnerPath, c.SchemeVersionID, c.Period,
			c.StartsOn, c.EndsOn, c.Stage, c.Draws, int64(c.Seed), c.FoldIndicator, len(ents), now); err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		for _, e := range c.EvaluationIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_evaluations (cycle_id, evaluation_id) VALUES ($1, $2)`, c.ID, e); err != nil {
				return fmt.Errorf("insert cycle evaluation: %w", err)
			}
		}
		for _, p := range c.Parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_parts (cycle_id, part_cycle_id, weight) VALUES ($1, $2, $3)`,
				c.ID, p.CycleID, p.Weight); err != nil {
				return fmt.Errorf("insert cycle part: %w", err)
			}
		}
		if err := insertEntities(ctx, tx, c.ID, ents); err != nil {
			return err
		}
		if err := s.countValues(ctx, tx, c.ID, c.Period, ents); err != nil {
			return err
		}
		sum := c.summary()
		sum["entities"] = len(ents)
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "cycle.create", ObjectType: "cycle", ObjectID: db.FormatID(c.ID),
			UnitPath: c.OwnerPath, After: sum}); err != nil {
			return err
		}
		out, err = getCycle(ctx, tx, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// categoryUnits returns the units of the categories in the subtree at path.
func categoryUnits(ctx context.Context, tx *db.Tx, path string, codes []string) ([]int64, error) {
	us, err := org.ListUnits(ctx, tx, org.UnitQuery{Under: path, Categories: codes})
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	slices.Sort(out)
	return out, nil
}

// seedOf derives a stable seed from a cycle code (FNV-1a).
func seedOf(code string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(code); i++ {
		h ^= uint64(code[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// selectEntities resolves a selection into entities, sorted by ID. A unit's
// group is its category's code, or its level when it has none.
func selectEntities(ctx context.Context, tx *db.Tx, subject Subject, sel Selection) ([]Entity, error) {
	cats, err := org.AllCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	catCode := map[int64]string{}
	for _, k := range cats {
		catCode[k.ID] = k.Code
	}
	unitsOf := func(ids []int64) (map[int64]Entity, error) {
		us, err := org.UnitsByID(ctx, tx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[int64]Entity, len(ids))
		for _, id := range ids {
			u := us[id]
			if u == nil {
				return nil, invalid("units", "cycle.unit_unknown", fmt.Sprintf("unknown unit %d", id))
			}
			g := catCode[u.CategoryID]
			if g == "" {
				g = string(u.Level)
			}
			out[id] = Entity{UnitID: u.ID, UnitPath: u.Path, Name: u.Name, Group: g}
		}
		return out, nil
	}
	var out []Entity
	switch subject {
	case SubjectUnit:
		if len(sel.PersonIDs) > 0 {
			return nil, invalid("people", "cycle.people_for_units", "a unit cycle assesses units, not people")
		}
		units, err := unitsOf(sel.UnitIDs)
		if err != nil {
			return nil, err
		}
		for _, id := range sel.UnitIDs {
			e := units[id]
			e.ID = db.FormatID(id)
			out = append(out, e)
		}
	case SubjectPerson:
		personIDs := slices.Clone(sel.PersonIDs)
		if len(personIDs) == 0 {
			for _, uid := range sel.UnitIDs {
				ids, err := org.TeamMemberIDs(ctx, tx, uid)
				if err != nil {
					return nil, err
				}
				personIDs = append(personIDs, ids...)
			}
		}
		people, err := org.PeopleByID(ctx, tx, personIDs)
		if err != nil {
			return nil, err
		}
		var uids []int64
		for _, id := range personIDs {
			p := people[id]
			if p == nil {
				return nil, invalid("people", "cycle.person_unknown", fmt.Sprintf("unknown person %d", id))
			}
			uids = append(uids, p.UnitID)
		}
		units, err := unitsOf(uids)
		if err != nil {
			return nil, err
		}
		for _, id := range personIDs {
			p := people[id]
			u := units[p.UnitID]
			out = append(out, Entity{ID: db.FormatID(id), UnitID: p.UnitID, PersonID: id, UnitPath: u.UnitPath, Group: u.Group, Name: p.Name})
		}
	}
	if len(out) == 0 {
		return nil, invalid("entities", "cycle.no_entities", "the cycle assesses nothing")
	}
	slices.SortFunc(out, func(x, y Entity) int { return strings.Compare(x.ID, y.ID) })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, invalid("entities", "cycle.entity_duplicate", out[i].Name+" is selected twice")
		}
	}
	return out, nil
}

// insertEntities writes entities in batches of multi-row inserts.
func insertEntities(ctx context.Context, tx *db.Tx, cycleID int64, ents []Entity) error {
	const cols, batch = 8, 500
	for start := 0; start < len(ents); start += batch {
		part := ents[start:min(start+batch, len(ents))]
		var b strings.Builder
		b.WriteString(`INSERT INTO cycle_entities (cycle_id, entity, unit_id, person_id, unit_path, grp, name, sanction) VALUES `)
		args := make([]any, 0, len(part)*cols)
		for i, e := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for k := 1; k <= cols; k++ {
				if k > 1 {
					b.WriteByte(',')
				}
				b.WriteString(placeholder(tx, i*cols+k))
			}
			b.WriteByte(')')
			args = append(args, cycleID, e.ID, e.UnitID, e.PersonID, e.UnitPath, e.Group, e.Name, e.Sanction)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert cycle entities: %w", err)
		}
	}
	return nil
}

// entities reads a cycle's entities sorted by ID.
func entities(ctx context.Context, tx *db.Tx, cycleID int64) ([]Entity, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entity, unit_id, person_id, unit_path, grp, name, sanction
		FROM cycle_entities WHERE cycle_id = $1 ORDER BY entity`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("read cycle entities: %w", err)
	}
	defer rows.Close()
	var out []Entity
	for rows.Next() {
		var e Entity
		if err := rows.Scan(&e.ID, &e.UnitID, &e.PersonID, &e.UnitPath, &e.Group, &e.Name, &e.Sanction); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// SQL orders by collation; the engine's order must be byte order on
	// both engines.
	slices.SortFunc(out, func(x, y Entity) int { return strings.Compare(x.ID, y.ID) })
	return out, nil
}

// Cycle returns cycle id; the actor needs ActCycleRead on its owner unit.
func (s *Service) Cycle(ctx context.Context, a *auth.Actor, id int64) (*Cycle, error) {
	var out *Cycle
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id)
		return err
	})
	return out, err
}

// Filter selects cycles for a list.
type Filter struct {
	Kind  Kind
	Stage Stage
	// Subject is unit or person; "" for both.
	Subject Subject
}

// Cycles lists the cycles the actor may read, newest period first. An
// actor without ActCycleRead (a cadre) sees the published cycles that
// assess it or its unit.
func (s *Service) Cycles(ctx context.Context, a *auth.Actor, f Filter) ([]*Cycle, error) {
	var out []*Cycle
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := s.pol.Scope(a, auth.ActCycleRead).SQL("c.owner_path", &args)
		if own := s.assesses(a, &args); own != "" {
			cond = "(" + cond + " OR (c.published_snapshot_id <> 0 AND " + own + "))"
		}
		q := `SELECT ` + cycleCols + cycleFrom + ` WHERE ` + cond
		if f.Kind != "" {
			q += " AND c.kind = " + db.Arg(&args, f.Kind)
		}
		if f.Stage != "" {
			q += " AND c.stage = " + db.Arg(&args, f.Stage)
		}
		if f.Subject != "" {
			q += " AND c.subject = " + db.Arg(&args, f.Subject)
		}
		q += " ORDER BY c.period DESC, c.code"
		var err error
		out, err = listCycles(ctx, tx, q, args)
		return err
	})
	return out, err
}

// listCycles runs the cycle query q and reads its cycles with their
// owners' names.
func listCycles(ctx context.Context, tx *db.Tx, q string, args []any) ([]*Cycle, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cycles: %w", err)
	}
	defer rows.Close()
	var out []*Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, ownerNames(ctx, tx, out)
}

// assesses returns the condition on cycle c that it assesses the actor
// itself — its person, or the team of a unit its grants reach alone (an
// assessed cadre's unit) — or "" for an actor with no such results.
func (s *Service) assesses(a *auth.Actor, args *[]any) string {
	var own []string
	if a != nil && a.PersonID != 0 && s.pol.Scope(a, auth.ActResultRead).Self {
		own = append(own, "EXISTS (SELECT 1 FROM cycle_entities e WHERE e.cycle_id = c.id AND e.person_id = "+db.Arg(args, a.PersonID)+")")
	}
	if ts := s.pol.Scope(a, auth.ActTeamResultRead); len(ts.Units) > 0 {
		own = append(own, "EXISTS (SELECT 1 FROM cycle_entities e WHERE e.cycle_id = c.id AND e.person_id = 0 AND "+
			(auth.Scope{Units: ts.Units}).SQL("e.unit_path", args)+")")
	}
	if len(own) == 0 {
		return ""
	}
	return "(" + strings.Join(own, " OR ") + ")"
}

// Assessing lists the cycles under way — not yet published — that assess
// the actor itself (see assesses), newest period first: what an assessed
// cadre is told is in progress about it, before any result is out. An
// actor with no results of its own has none.
func (s *Service) Assessing(ctx context.Context, a *auth.Actor) ([]*Cycle, error) {
	var out []*Cycle
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		own := s.assesses(a, &args)
		if own == "" {
			return nil
		}
		var err error
		out, err = listCycles(ctx, tx, `SELECT `+cycleCols+cycleFrom+` WHERE c.published_snapshot_id = 0 AND c.stage <> `+
			db.Arg(&args, Closed)+` AND `+own+` ORDER BY c.period DESC, c.code`, args)
		return err
	})
	return out, err
}

// StageMove is one recorded stage move.
type StageMove struct {
	From, To Stage
	// Actor is who moved it as the audit log names them, ActorID the user
	// (0 for the system) and ActorName the user's name ("" for the
	// system).
	Actor     string
	ActorID   int64
	ActorName string
	Reason    string
	At        int64
}

// History returns the cycle's stage moves, oldest first.
func (s *Service) History(ctx context.Context, a *auth.Actor, id int64) ([]StageMove, error) {
	var out []StageMove
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id); err != nil {
			return err
		}
		var err error
		out, err = stageLog(ctx, tx, id)
		return err
	})
	return out, err
}

// stageLog reads the stage moves of cycle id, oldest first.
func stageLog(ctx context.Context, tx *db.Tx, id int64) ([]StageMove, error) {
	rows, err := tx.QueryContext(ctx, `SELECT from_stage, to_stage, actor, actor_id, reason, created_at FROM cycle_stage_log
		WHERE cycle_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("read stage log: %w", err)
	}
	defer rows.Close()
	var out []StageMove
	var actors []int64
	for rows.Next() {
		var m StageMove
		if err := rows.Scan(&m.From, &m.To, &m.Actor, &m.ActorID, &m.Reason, &m.At); err != nil {
			return nil, err
		}
		out = append(out, m)
		actors = append(actors, m.ActorID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := auth.UserNames(ctx, tx, actors)
	for i := range out {
		out[i].ActorName = names[out[i].ActorID].Name
	}
	return out, err
}

// Blocker is a reason a cycle cannot move to its next stage.
type Blocker struct {
	// Key is the locale key; Args its arguments; Msg the English text.
	Key  string
	Args map[string]any
	Msg  string
}

// blockers returns what stops c from moving to its next stage; known is
// the cycle's completeness when the caller has counted it already.
func (s *Service) blockers(ctx context.Context, tx *db.Tx, c *Cycle, known *Completeness) ([]Blocker, error) {
	var out []Blocker
	add := func(key, msg string, args map[string]any) { out = append(out, Blocker{Key: key, Msg: msg, Args: args}) }
	switch c.Stage {
	case Draft:
		if c.Entities == 0 {
			add("cycle.blocker.no_entities", "the cycle assesses nothing", nil)
		}
	case Collecting:
		cm := known
		if cm == nil {
			x, err := s.completeness(ctx, tx, c)
			if err != nil {
				return nil, err
			}
			cm = &x
		}
		if miss := cm.RequiredExpected - cm.RequiredFilled; miss > 0 {
			add("cycle.blocker.values_missing", fmt.Sprintf("%d of %d required values are missing", miss, cm.RequiredExpected),
				map[string]any{"missing": miss, "expected": cm.RequiredExpected})
		}
	case Evaluating:
		open, err := s.evaluationOpen(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		if open {
			add("cycle.blocker.evaluation_open", "the democratic evaluation is still open", nil)
		}
		for _, p := range c.Parts {
			var pub int64
			if err := tx.QueryRowContext(ctx, `SELECT published_snapshot_id FROM cycles WHERE id = $1`, p.CycleID).Scan(&pub); err != nil {
				return nil, fmt.Errorf("read part: %w", err)
			}
			if pub == 0 {
				add("cycle.blocker.part_unpublished", p.Name+" is not published", map[string]any{"cycle": p.Name})
			}
		}
	case Scoring:
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snapshots WHERE cycle_id = $1`, c.ID).Scan(&n); err != nil {
			return nil, fmt.Errorf("count snapshots: %w", err)
		}
		if n == 0 {
			add("cycle.blocker.no_snapshot", "no scoring run yet", nil)
		}
	case Review:
		if c.ApprovedSnapshotID == 0 {
			add("cycle.blocker.not_approved", "no snapshot is approved", nil)
		}
	case Closed:
		add("cycle.blocker.closed", "the cycle is closed", nil)
	}
	return out, nil
}

// Blockers returns what stops cycle id from moving to its next stage.
func (s *Service) Blockers(ctx context.Context, a *auth.Actor, id int64) ([]Blocker, error) {
	var out []Blocker
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id)
		if err != nil {
			return err
		}
		out, err = s.blockers(ctx, tx, c, nil)
		return err
	})
	return out, err
}

// Move moves cycle id to its next stage, to, with a reason (optional). The
// actor needs MoveAction(to) on the owner unit; nothing may block the move
// (see Blockers). Publishing publishes the approved snapshot. The move is
// recorded in the stage log and the audit log.
func (s *Service) Move(ctx context.Context, a *auth.Actor, id int64, to Stage, reason string) (*Cycle, error) {
	if len(reason) > 2000 {
		return nil, invalid("reason", "cycle.reason_too_long", "the reason is too long")
	}
	var out *Cycle
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, MoveAction(to), id)
		if err != nil {
			return err
		}
		if c.Stage.Next() != to || to == "" {
			e := conflict("cycle.stage_order", fmt.Sprintf("a cycle in stage %s cannot move to %s", c.Stage, to))
			e.Args = map[string]any{"from": string(c.Stage), "to": string(to)}
			return e
		}
		bl, err := s.blockers(ctx, tx, c, nil)
		if err != nil {
			return err
		}
		if len(bl) > 0 {
			e := conflict(bl[0].Key, bl[0].Msg)
			e.Args = bl[0].Args
			return e
		}
		now := tx.Now.UnixMicro()
		q := `UPDATE cycles SET stage = $1, updated_at = $2`
		if to == Published {
			q += `, published_snapshot_id = approved_snapshot_id`
		}
		if _, err := tx.ExecContext(ctx, q+` WHERE id = $3 AND stage = $4`, to, now, id, c.Stage); err != nil {
			return fmt.Errorf("move cycle: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_stage_log (id, cycle_id, from_stage, to_stage, actor_id, actor, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), id, c.Stage, to, a.UserID, a.AuditName(), reason, now); err != nil {
			return fmt.Errorf("log stage move: %w", err)
		}
		after := map[string]any{"stage": to}
		if to == Published {
			after["published_snapshot_id"] = c.ApprovedSnapshotID
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "cycle.move", ObjectType: "cycle", ObjectID: db.FormatID(id),
			UnitPath: c.OwnerPath, Before: map[string]any{"stage": c.Stage}, After: after, Reason: reason}); err != nil {
			return err
		}
		out, err = getCycle(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayReview reports whether a sees a cycle's results before publication:
// the office that runs it.
func (s *Service) mayReview(a *auth.Actor, c *Cycle) bool {
	return s.pol.Authorize(a, auth.ActCycleManage, c.OwnerPath) == nil
}

// authorizeEntity checks that a may read the results of entity e.
func (s *Service) authorizeEntity(a *auth.Actor, e *Entity) error {
	if e.PersonID != 0 {
		return s.pol.AuthorizePerson(a, auth.ActResultRead, e.PersonID, []string{e.UnitPath})
	}
	return s.pol.Authorize(a, auth.ActTeamResultRead, e.UnitPath)
}

// entityScope returns an SQL condition limiting cycle_entities (alias e) to
// the entities a may read the results of.
func (s *Service) entityScope(a *auth.Actor, args *[]any) string {
	ps := s.pol.Scope(a, auth.ActResultRead)
	ts := s.pol.Scope(a, auth.ActTeamResultRead)
	parts := []string{
		"(e.person_id <> 0 AND " + ps.SQL("e.unit_path", args) + ")",
		"(e.person_id = 0 AND " + ts.SQL("e.unit_path", args) + ")",
	}
	if ps.Self && a != nil && a.PersonID != 0 {
		parts = append(parts, "e.person_id = "+db.Arg(args, a.PersonID))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// VersionChoices lists the active and retired scheme versions of the
// schemes owned in the actor's cycle-management scope, for the form that
// makes a cycle.
func (s *Service) VersionChoices(ctx context.Context, a *auth.Actor) ([]scheme.Choice, error) {
	var out []scheme.Choice
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		out, err = s.src.Schemes.Choices(ctx, tx, s.pol.Scope(a, auth.ActCycleManage))
		return err
	})
	return out, err
}
