package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Filter selects evaluations for List.
type Filter struct {
	// UnitID, when set, keeps the evaluations organised in its subtree.
	UnitID int64
	// Status, when set, keeps the evaluations in that status.
	Status Status
}

const evaluationCols = `e.id, e.unit_id, e.kind, e.title, e.period, e.status, e.rules_json,
	COALESCE(e.public_token, ''), e.opened_at, e.closed_at, e.created_at, e.updated_at`

// scanEvaluation reads the columns evaluationCols names; fillUnits adds
// the organising unit's path and name.
func scanEvaluation(s interface{ Scan(...any) error }) (*Evaluation, error) {
	var (
		e                                Evaluation
		rules                            string
		opened, closed, created, updated int64
	)
	if err := s.Scan(&e.ID, &e.UnitID, &e.Kind, &e.Title, &e.Period, &e.Status, &rules,
		&e.PublicToken, &opened, &closed, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(rules), &e.Rules); err != nil {
		return nil, fmt.Errorf("rules of evaluation %d: %w", e.ID, err)
	}
	e.OpenedAt, e.ClosedAt, e.CreatedAt, e.UpdatedAt = db.Micros(opened), db.Micros(closed), db.Micros(created), db.Micros(updated)
	return &e, nil
}

// fillUnits reads the organising units of es (package org) for their
// paths and names.
func fillUnits(ctx context.Context, tx *db.Tx, es []*Evaluation) error {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.UnitID
	}
	units, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return fmt.Errorf("read organising units: %w", err)
	}
	for _, e := range es {
		u, ok := units[e.UnitID]
		if !ok {
			return fmt.Errorf("evaluation %d: organising unit %d not found", e.ID, e.UnitID)
		}
		e.UnitPath, e.UnitName = u.Path, u.Name
	}
	return nil
}

// getEvaluation reads an evaluation with its groups and subjects.
func getEvaluation(ctx context.Context, tx *db.Tx, id int64) (*Evaluation, error) {
	e, err := scanEvaluation(tx.QueryRowContext(ctx, `SELECT `+evaluationCols+` FROM evaluations e WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("evaluation")
	}
	if err != nil {
		return nil, fmt.Errorf("read evaluation %d: %w", id, err)
	}
	if err := fillUnits(ctx, tx, []*Evaluation{e}); err != nil {
		return nil, err
	}
	if err := loadParts(ctx, tx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// loadParts reads an evaluation's groups and subjects.
func loadParts(ctx context.Context, tx *db.Tx, e *Evaluation) error {
	rows, err := tx.QueryContext(ctx, `SELECT code, weight FROM evaluation_groups
		WHERE evaluation_id = $1 ORDER BY sort_order`, e.ID)
	if err != nil {
		return fmt.Errorf("read groups of evaluation %d: %w", e.ID, err)
	}
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.Code, &g.Weight); err != nil {
			rows.Close()
			return fmt.Errorf("read groups of evaluation %d: %w", e.ID, err)
		}
		e.Groups = append(e.Groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read groups of evaluation %d: %w", e.ID, err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, kind, unit_id, COALESCE(person_id, 0), name, detail, questionnaire
		FROM evaluation_subjects WHERE evaluation_id = $1 ORDER BY sort_order`, e.ID)
	if err != nil {
		return fmt.Errorf("read subjects of evaluation %d: %w", e.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Subject
		if err := rows.Scan(&s.ID, &s.Kind, &s.UnitID, &s.PersonID, &s.Name, &s.Detail, &s.Questionnaire); err != nil {
			return fmt.Errorf("read subjects of evaluation %d: %w", e.ID, err)
		}
		e.Subjects = append(e.Subjects, s)
	}
	return rows.Err()
}

// authorize reads evaluation id and checks that a may do action on it.
func (s *Service) authorize(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*Evaluation, error) {
	e, err := getEvaluation(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, action, e.UnitPath); err != nil {
		return nil, err
	}
	return e, nil
}

// summary is what the audit log keeps of an evaluation.
func (e *Evaluation) summary() map[string]any {
	groups := make([]string, len(e.Groups))
	for i, g := range e.Groups {
		groups[i] = fmt.Sprintf("%s:%g", g.Code, g.Weight)
	}
	return map[string]any{"title": e.Title, "kind": e.Kind, "period": e.Period, "status": e.Status,
		"groups": groups, "subjects": len(e.Subjects), "rules": e.Rules}
}

func auditEvaluation(action string, e *Evaluation, before, after any) audit.Event {
	return audit.Event{Action: action, ObjectType: "evaluation", ObjectID: db.FormatID(e.ID),
		UnitPath: e.UnitPath, Before: before, After: after}
}

// Create sets up an evaluation in draft. Subjects name their units and
// people; their names and post titles are read from the database. Every
// subject must lie in the organising unit's subtree. The actor needs
// ActEvalManage on the organising unit.
func (s *Service) Create(ctx context.Context, a *auth.Actor, e Evaluation) (*Evaluation, error) {
	e.withDefaults()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *db.Tx) error {
		u, err := org.GetUnit(ctx, tx, e.UnitID)
		if err != nil {
			return err
		}
		e.UnitPath, e.UnitName = u.Path, u.Name
		if err := s.pol.Authorize(a, auth.ActEvalManage, e.UnitPath); err != nil {
			return err
		}
		e.ID = db.NewID()
		e.Status = StatusDraft
		e.CreatedAt, e.UpdatedAt = tx.Now, tx.Now
		rules, err := json.Marshal(e.Rules)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluations
			(id, unit_id, kind, title, period, status, rules_json, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			e.ID, e.UnitID, e.Kind, e.Title, e.Period, e.Status, string(rules), tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("create evaluation: %w", err)
		}
		for i, g := range e.Groups {
			if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_groups (evaluation_id, code, weight, sort_order)
				VALUES ($1, $2, $3, $4)`, e.ID, g.Code, g.Weight, i); err != nil {
				return fmt.Errorf("create evaluation group %s: %w", g.Code, err)
			}
		}
		seen := map[string]bool{}
		for i := range e.Subjects {
			sub := &e.Subjects[i]
			key := string(sub.Kind) + ":" + sub.Entity()
			if seen[key] {
				return errs.Field("subjects", "survey.subject_duplicate", "a subject is listed twice")
			}
			seen[key] = true
		}
		if err := fillSubjects(ctx, tx, e.UnitPath, e.Subjects); err != nil {
			return err
		}
		for i := range e.Subjects {
			sub := &e.Subjects[i]
			sub.ID = db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_subjects
				(id, evaluation_id, kind, unit_id, person_id, name, detail, questionnaire, sort_order)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				sub.ID, e.ID, sub.Kind, sub.UnitID, sql.NullInt64{Int64: sub.PersonID, Valid: sub.PersonID != 0},
				sub.Name, sub.Detail, sub.Questionnaire, i); err != nil {
				return fmt.Errorf("create evaluation subject: %w", err)
			}
		}
		return auth.Record(ctx, tx, a, auditEvaluation("evaluation.create", &e, nil, e.summary()))
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// fillSubjects reads the subjects' names and details from package org and
// checks that each lies under the organising unit at root.
func fillSubjects(ctx context.Context, tx *db.Tx, root string, subs []Subject) error {
	var unitIDs, personIDs []int64
	for _, sub := range subs {
		unitIDs = append(unitIDs, sub.UnitID)
		if sub.Kind == SubjectCadre {
			personIDs = append(personIDs, sub.PersonID)
		}
	}
	units, err := org.UnitsByID(ctx, tx, unitIDs)
	if err != nil {
		return fmt.Errorf("read subject units: %w", err)
	}
	people, err := org.PeopleByID(ctx, tx, personIDs)
	if err != nil {
		return fmt.Errorf("read subject people: %w", err)
	}
	for i := range subs {
		sub := &subs[i]
		u, ok := units[sub.UnitID]
		if !ok || !strings.HasPrefix(u.Path, root) {
			return errs.Field("subjects", "survey.subject_outside", "a subject's unit is not in the organising unit's jurisdiction")
		}
		switch sub.Kind {
		case SubjectTeam:
			sub.Name, sub.Detail = u.Name, "领导班子"
		case SubjectRegion:
			sub.Name, sub.Detail = u.Name, ""
		case SubjectCadre:
			p, ok := people[sub.PersonID]
			if !ok {
				return errs.Field("subjects", "survey.subject_unknown", "a cadre subject names no known person")
			}
			title, err := org.CurrentTitle(ctx, tx, sub.PersonID, sub.UnitID)
			if err != nil {
				return err
			}
			sub.Name, sub.Detail = p.Name, u.Name+title
		}
	}
	return nil
}

// TeamSubjects returns the subjects for a unit's leadership team and each
// of its current members, in protocol order: the team with questionnaire
// team, the cadres with cadre. The actor needs ActEvalManage on the unit.
func (s *Service) TeamSubjects(ctx context.Context, a *auth.Actor, unitID int64) ([]Subject, error) {
	var out []Subject
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := org.GetUnit(ctx, tx, unitID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActEvalManage, u.Path); err != nil {
			return err
		}
		out = append(out, Subject{Kind: SubjectTeam, UnitID: unitID, Questionnaire: QTeam.Code})
		members, err := org.TeamMemberIDs(ctx, tx, unitID)
		if err != nil {
			return err
		}
		for _, person := range members {
			out = append(out, Subject{Kind: SubjectCadre, UnitID: unitID, PersonID: person, Questionnaire: QCadre.Code})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Get returns an evaluation. The actor needs ActEvalManage or
// ActEvalResults on its organising unit.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Evaluation, error) {
	var out *Evaluation
	err := s.db.View(ctx, func(tx *db.Tx) error {
		e, err := getEvaluation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActEvalManage, e.UnitPath); err != nil {
			if err2 := s.pol.Authorize(a, auth.ActEvalResults, e.UnitPath); err2 != nil {
				return err
			}
		}
		out = e
		return nil
	})
	return out, err
}

// List returns the evaluations the actor may manage or read results of,
// newest first, without their groups and subjects. With a unit, the unit
// must be one where the actor may do either.
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter) ([]*Evaluation, error) {
	var out []*Evaluation
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var under string
		if f.UnitID != 0 {
			u, err := org.GetUnit(ctx, tx, f.UnitID)
			if err != nil {
				return err
			}
			under = u.Path
			if err := s.pol.Authorize(a, auth.ActEvalManage, under); err != nil {
				if err := s.pol.Authorize(a, auth.ActEvalResults, under); err != nil {
					return err
				}
			}
		}
		m, r := s.pol.Scope(a, auth.ActEvalManage), s.pol.Scope(a, auth.ActEvalResults)
		if m.Empty() && r.Empty() {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+evaluationCols+` FROM evaluations e ORDER BY e.created_at DESC, e.id DESC`)
		if err != nil {
			return fmt.Errorf("list evaluations: %w", err)
		}
		var all []*Evaluation
		for rows.Next() {
			e, err := scanEvaluation(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("list evaluations: %w", err)
			}
			all = append(all, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list evaluations: %w", err)
		}
		if err := fillUnits(ctx, tx, all); err != nil {
			return err
		}
		for _, e := range all {
			if !m.Contains(e.UnitPath) && !r.Contains(e.UnitPath) {
				continue
			}
			if under != "" && !strings.HasPrefix(e.UnitPath, under) {
				continue
			}
			if f.Status != "" && e.Status != f.Status {
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Open opens a draft evaluation for ballots. It needs subjects, and gives
// a satisfaction survey its public link token.
func (s *Service) Open(ctx context.Context, a *auth.Actor, id int64) (*Evaluation, error) {
	var out *Evaluation
	err := s.write(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalManage, id)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return errs.New(errs.Conflict, "survey.not_draft", "the evaluation is not a draft")
		}
		if len(e.Subjects) == 0 {
			return errs.New(errs.Conflict, "survey.no_subjects", "the evaluation has no subjects to rate")
		}
		before := e.summary()
		e.Status, e.OpenedAt, e.UpdatedAt = StatusOpen, tx.Now, tx.Now
		var token any
		if e.Kind == KindSatisfaction {
			e.PublicToken = randomToken()
			token = e.PublicToken
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = $2, opened_at = $3, updated_at = $3,
			public_token = $4 WHERE id = $1`, id, e.Status, tx.Now.UnixMicro(), token); err != nil {
			return fmt.Errorf("open evaluation %d: %w", id, err)
		}
		out = e
		return auth.Record(ctx, tx, a, auditEvaluation("evaluation.open", e, before, e.summary()))
	})
	return out, err
}

// Close stops an open evaluation: no more ballots, results become visible.
// It opens the ballots still sealed, rewrites all the evaluation's ballots
// in the order of their random IDs, so that the order rows were written
// in is gone from the table, and then deletes the evaluation's ballot key.
func (s *Service) Close(ctx context.Context, a *auth.Actor, id int64) (*Evaluation, error) {
	var out *Evaluation
	err := s.write(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalManage, id)
		if err != nil {
			return err
		}
		if e.Status != StatusOpen {
			return errs.New(errs.Conflict, "survey.not_open", "the evaluation is not open")
		}
		before := e.summary()
		e.Status, e.ClosedAt, e.UpdatedAt = StatusClosed, tx.Now, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = $2, closed_at = $3, updated_at = $3
			WHERE id = $1`, id, e.Status, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("close evaluation %d: %w", id, err)
		}
		if err := s.releaseAll(ctx, tx, e); err != nil {
			return err
		}
		if err := reorder(ctx, tx, id); err != nil {
			return err
		}
		out = e
		return auth.Record(ctx, tx, a, auditEvaluation("evaluation.close", e, before, e.summary()))
	})
	if err != nil {
		return nil, err
	}
	if err := s.keys.drop(id); err != nil {
		return out, fmt.Errorf("evaluation %d is closed, but: %w", id, err)
	}
	return out, nil
}

// reorder rewrites the ballots of an evaluation in the order of their random
// IDs: all rows get the closing transaction and a physical place that
// follows the ID, not the moment of casting.
func reorder(ctx context.Context, tx *db.Tx, id int64) error {
	bs, err := loadBallots(ctx, tx, id, false)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ballots WHERE evaluation_id = $1`, id); err != nil {
		return fmt.Errorf("reorder ballots: %w", err)
	}
	for _, b := range bs { // loadBallots orders by id
		if err := insertBallot(ctx, tx, b); err != nil {
			return fmt.Errorf("reorder ballots: %w", err)
		}
	}
	return nil
}

// randomToken returns a 128-bit random token for a public link.
func randomToken() string {
	return rand.Text()
}
