package fieldwork

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// Task is an entity of a cycle that the team verifies and interviews
// about, with what it has recorded so far.
type Task struct {
	Entity cycle.Entity
	// Verifications, Interviews and Judged count the entity's
	// verifications, interviews (0 when the actor may not read them) and
	// judged indicators.
	Verifications, Interviews, Judged int
}

// Started reports whether any field work on the entity is recorded.
func (t *Task) Started() bool { return t.Verifications+t.Interviews+t.Judged > 0 }

// Show selects the tasks of a list by their state.
type Show string

// The selections: every task, those not started (未开始), those verified
// (已核查) and those with an interview (已谈话).
const (
	ShowAll         Show = ""
	ShowTodo        Show = "todo"
	ShowVerified    Show = "verified"
	ShowInterviewed Show = "interviewed"
)

// Valid reports whether s is a known selection.
func (s Show) Valid() bool {
	return s == ShowAll || s == ShowTodo || s == ShowVerified || s == ShowInterviewed
}

func (s Show) keeps(t *Task) bool {
	switch s {
	case ShowTodo:
		return !t.Started()
	case ShowVerified:
		return t.Verifications > 0
	case ShowInterviewed:
		return t.Interviews > 0
	}
	return true
}

// Progress counts the entities of a cycle in the actor's scope by the
// state of their field work.
type Progress struct {
	Entities, Todo, Verified, Interviewed int
}

// Tasks is a cycle's task list.
type Tasks struct {
	Cycle *cycle.Cycle
	// Rows are the tasks Show selects, in the cycle's entity order.
	Rows []Task
	Show Show
	Progress
	// Interviews says the actor may read interviews, so that their counts
	// are shown; Write that it may record field work; Open that the cycle
	// takes field work.
	Interviews, Write, Open bool
	// Judgeable counts the qualitative indicators the team judges.
	Judgeable int
}

// Tasks lists the entities of cycle id in the actor's scope with their
// field work, those show selects. The actor needs ActFieldRead on an
// entity of the cycle, or on the cycle's owner unit.
func (s *Service) Tasks(ctx context.Context, a *auth.Actor, id int64, show Show) (*Tasks, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &Tasks{Show: show}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := cycle.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		ents, err := cycle.EntitiesOf(ctx, tx, id)
		if err != nil {
			return err
		}
		counts, err := countsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Cycle, out.Open = c, Open(c)
		for i := range ents {
			e := &ents[i]
			if !s.may(a, auth.ActFieldRead, e) {
				continue
			}
			n := counts[e.ID]
			if n == nil {
				n = &fieldCounts{}
			}
			t := Task{Entity: *e, Verifications: n.verifications, Judged: n.judgements}
			if s.may(a, auth.ActInterviewRead, e) {
				t.Interviews, out.Interviews = n.interviews, true
			}
			out.Write = out.Write || s.may(a, auth.ActFieldWrite, e)
			out.count(&t)
			if show.keeps(&t) {
				out.Rows = append(out.Rows, t)
			}
		}
		if out.Entities == 0 {
			if err := s.pol.Authorize(a, auth.ActFieldRead, c.OwnerPath); err != nil {
				return err
			}
		}
		leaves, err := judgeable(ctx, tx, c)
		out.Judgeable = len(leaves)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Progress) count(t *Task) {
	p.Entities++
	if !t.Started() {
		p.Todo++
	}
	if t.Verifications > 0 {
		p.Verified++
	}
	if t.Interviews > 0 {
		p.Interviewed++
	}
}

// fieldCounts is what is recorded of one entity.
type fieldCounts struct{ verifications, interviews, judgements int }

// countsOf counts the field work of each entity of cycle id.
func countsOf(ctx context.Context, tx *db.Tx, id int64) (map[string]*fieldCounts, error) {
	out := map[string]*fieldCounts{}
	at := func(e string) *fieldCounts {
		if out[e] == nil {
			out[e] = &fieldCounts{}
		}
		return out[e]
	}
	for _, q := range []struct {
		table string
		field func(*fieldCounts) *int
	}{
		{"verifications", func(c *fieldCounts) *int { return &c.verifications }},
		{"interviews", func(c *fieldCounts) *int { return &c.interviews }},
		{"judgements", func(c *fieldCounts) *int { return &c.judgements }},
	} {
		err := db.EachRow(ctx, tx, `SELECT entity, count(*) FROM `+q.table+` WHERE cycle_id = $1 GROUP BY entity`, []any{id},
			func(scan func(...any) error) error {
				var e string
				var n int
				if err := scan(&e, &n); err != nil {
					return err
				}
				*q.field(at(e)) = n
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", q.table, err)
		}
	}
	return out, nil
}

// CycleProgress is the field work of one open cycle.
type CycleProgress struct {
	Cycle *cycle.Cycle
	Progress
}

// Overview lists the cycles open for field work whose owner unit lies in
// the actor's ActFieldRead scope, newest first, with their progress over
// all their entities (interviews counted only for an actor that may read
// them).
func (s *Service) Overview(ctx context.Context, a *auth.Actor) ([]CycleProgress, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActFieldRead)
	if sc.Empty() {
		return nil, nil
	}
	interviews := !s.pol.Scope(a, auth.ActInterviewRead).Empty()
	var out []CycleProgress
	err := s.db.View(ctx, func(tx *db.Tx) error {
		cs, err := cycle.InStages(ctx, tx, sc, OpenStages)
		if err != nil {
			return err
		}
		for _, c := range cs {
			cp := CycleProgress{Cycle: c, Progress: Progress{Entities: c.Entities}}
			started := []string{"verifications", "judgements"}
			if interviews {
				started = append(started, "interviews")
			}
			var n int
			if n, err = distinctEntities(ctx, tx, c.ID, started...); err != nil {
				return err
			}
			cp.Todo = c.Entities - n
			if cp.Verified, err = distinctEntities(ctx, tx, c.ID, "verifications"); err != nil {
				return err
			}
			if interviews {
				if cp.Interviewed, err = distinctEntities(ctx, tx, c.ID, "interviews"); err != nil {
					return err
				}
			}
			out = append(out, cp)
		}
		return nil
	})
	return out, err
}

// distinctEntities counts the entities of cycle id with a row in one of
// tables.
func distinctEntities(ctx context.Context, tx *db.Tx, id int64, tables ...string) (int, error) {
	q := ""
	for i, t := range tables {
		if i > 0 {
			q += " UNION "
		}
		q += `SELECT entity FROM ` + t + ` WHERE cycle_id = $1`
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+q+`) x`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count field work: %w", err)
	}
	return n, nil
}
