package outcome

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// TrainingKind is the kind of a cadre's training or practice (R10).
type TrainingKind string

// The kinds.
const (
	KindTraining   TrainingKind = "training"   // 培训
	KindSecondment TrainingKind = "secondment" // 挂职
	KindShadowing  TrainingKind = "shadowing"  // 跟岗
	KindFrontline  TrainingKind = "frontline"  // 一线岗位
)

// TrainingKinds lists the kinds in the order the interface shows them.
var TrainingKinds = []TrainingKind{KindTraining, KindSecondment, KindShadowing, KindFrontline}

// Training is one training or practice of a cadre.
type Training struct {
	ID       int64
	PersonID int64
	Kind     TrainingKind
	// Title names it; Topic is the capability it builds — a dimension of
	// the schemes (e.g. 经济发展), which the suggestions match.
	Title, Topic, Organiser string
	// StartedOn and EndedOn are its days ('' end while under way).
	StartedOn, EndedOn string
	Completed          bool
	CreatedBy          string
	CreatedAt          time.Time
}

// RecordTraining records training t of a cadre (ActOutcomeDecide).
func (s *Service) RecordTraining(ctx context.Context, a *auth.Actor, t Training) (*Training, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	t.Title, t.Topic, t.Organiser = strings.TrimSpace(t.Title), strings.TrimSpace(t.Topic), strings.TrimSpace(t.Organiser)
	t.StartedOn, t.EndedOn = strings.TrimSpace(t.StartedOn), strings.TrimSpace(t.EndedOn)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := s.mayDecide(ctx, tx, a, t.PersonID)
		if err != nil {
			return err
		}
		var l errs.List
		if !slices.Contains(TrainingKinds, t.Kind) {
			l.Add(errs.Field("kind", "outcome.training.kind_invalid", "no such kind"))
		}
		for _, c := range []struct {
			field, value string
			max          int
			required     bool
		}{{"title", t.Title, 100, true}, {"topic", t.Topic, 40, true}, {"organiser", t.Organiser, 100, true}} {
			if e := errs.CheckText(c.field, "outcome.training."+c.field, c.field, c.value, c.max, c.required); e != nil {
				l.Add(e)
			}
		}
		if _, err := time.Parse(org.DateLayout, t.StartedOn); err != nil {
			l.Add(errs.Field("started_on", "outcome.training.day_invalid", "not a date"))
		}
		if _, err := time.Parse(org.DateLayout, t.EndedOn); t.EndedOn != "" && (err != nil || t.EndedOn < t.StartedOn) {
			l.Add(errs.Field("ended_on", "outcome.training.end_invalid", "not a date on or after the start"))
		}
		if t.Completed && t.EndedOn == "" {
			l.Add(errs.Field("ended_on", "outcome.training.end_required", "a completed training has an end"))
		}
		if err := l.Err(); err != nil {
			return err
		}
		t.ID, t.CreatedBy, t.CreatedAt = db.NewID(), nameOf(a), tx.Now
		done := 0
		if t.Completed {
			done = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO trainings (id, person_id, kind, title, topic, organiser, started_on, ended_on,
			completed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, t.ID, t.PersonID, t.Kind, t.Title,
			t.Topic, t.Organiser, t.StartedOn, t.EndedOn, done, t.CreatedBy, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert training: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.training", ObjectType: "person", ObjectID: db.FormatID(t.PersonID),
			UnitPath: path, After: map[string]any{"kind": t.Kind, "title": t.Title, "topic": t.Topic, "started_on": t.StartedOn,
				"ended_on": t.EndedOn, "completed": t.Completed}})
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Trainings returns the trainings of cadre personID, newest first
// (ActOutcomeRead, the cadre herself included).
func (s *Service) Trainings(ctx context.Context, a *auth.Actor, personID int64) ([]*Training, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Training
	err := s.db.View(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{personID}, true)
		if err != nil {
			return err
		}
		if len(paths[personID]) == 0 || s.pol.AuthorizePerson(a, auth.ActOutcomeRead, personID, paths[personID]) != nil {
			return errs.NoSuch("person")
		}
		return db.EachRow(ctx, tx, `SELECT id, kind, title, topic, organiser, started_on, ended_on, completed, created_by, created_at
			FROM trainings WHERE person_id = $1 ORDER BY started_on DESC, id DESC`, []any{personID}, func(scan func(...any) error) error {
			t := &Training{PersonID: personID}
			var done int
			var at int64
			if err := scan(&t.ID, &t.Kind, &t.Title, &t.Topic, &t.Organiser, &t.StartedOn, &t.EndedOn, &done, &t.CreatedBy, &at); err != nil {
				return err
			}
			t.Completed, t.CreatedAt = done == 1, db.Micros(at)
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

// Suggestion links a weak dimension of a cadre's latest result to
// training on it.
type Suggestion struct {
	// Dimension is the dimension's name, Gap how far her score is below
	// the group mean.
	Dimension string
	Score     float64
	Gap       float64
	// Done is true when a completed training of hers has the dimension as
	// its topic.
	Done bool
}

// DimensionScore is a dimension of a result against its group's mean.
type DimensionScore struct {
	Name        string
	Score, Mean float64
}

// Suggest returns up to n of dims where the cadre is furthest below her
// group's mean, weakest first, each marked when ts holds a completed
// training on it. Dimensions at or above the mean suggest nothing.
func Suggest(dims []DimensionScore, ts []*Training, n int) []Suggestion {
	var out []Suggestion
	for _, d := range dims {
		if d.Score >= d.Mean {
			continue
		}
		sg := Suggestion{Dimension: d.Name, Score: d.Score, Gap: d.Mean - d.Score}
		sg.Done = slices.ContainsFunc(ts, func(t *Training) bool { return t.Completed && t.Topic == d.Name })
		out = append(out, sg)
	}
	slices.SortStableFunc(out, func(x, y Suggestion) int {
		switch {
		case x.Gap > y.Gap:
			return -1
		case x.Gap < y.Gap:
			return 1
		}
		return 0
	})
	return out[:min(n, len(out))]
}
