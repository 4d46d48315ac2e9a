package fieldwork

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Judgement is the team's qualitative judgement (定性评价) of an entity on
// a qualitative indicator of the cycle's scheme.
type Judgement struct {
	CycleID   int64
	Entity    string
	Indicator string
	// Grade is the grade chosen, "" for a score.
	Grade string
	// Value is the raw value the indicator takes: the grade's points, or
	// the score.
	Value float64
	// Basis says what the judgement rests on.
	Basis      string
	RecorderID int64
	// Recorder is the name of the user who recorded it; loaded.
	Recorder  string
	UpdatedAt time.Time
}

// JudgementRow is one row of a judgement form: an indicator with a grade
// (for an indicator judged by grades) or a score from 0 to 100, and the
// basis. A row with none of them leaves the indicator as it is.
type JudgementRow struct {
	// Row is the row's place in the form, 1 first; errors name it.
	Row          int
	Indicator    string
	Grade, Score string
	Basis        string
}

// Limits of a judgement.
const (
	maxBasis = 1000
	maxScore = 100
)

// Judge records the team's judgements of entity key in cycle id: each
// row with a grade or a score replaces the judgement of its indicator,
// which the cycle's next scoring run takes as the indicator's raw value.
// The actor needs ActFieldWrite on the entity. Bad rows write nothing and
// return every problem with its row (errs.List).
func (s *Service) Judge(ctx context.Context, a *auth.Actor, id int64, key string, rows []JudgementRow) ([]*Judgement, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Judgement
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.writable(ctx, tx, a, id, key)
		if err != nil {
			return err
		}
		leaves, err := judgeable(ctx, tx, t.Cycle)
		if err != nil {
			return err
		}
		if out, err = parseRows(leaves, rows, id, key); err != nil {
			return err
		}
		old, err := judgements(ctx, tx, id, key)
		if err != nil {
			return err
		}
		before := map[string]*Judgement{}
		for _, j := range old {
			before[j.Indicator] = j
		}
		var was, now []map[string]any
		for _, j := range out {
			j.RecorderID, j.Recorder, j.UpdatedAt = a.UserID, a.Name, tx.Now
			if _, err := tx.ExecContext(ctx, `INSERT INTO judgements (cycle_id, entity, indicator, unit_path, grade, value, basis,
				recorder_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (cycle_id, entity, indicator) DO UPDATE SET unit_path = excluded.unit_path, grade = excluded.grade,
				value = excluded.value, basis = excluded.basis, recorder_id = excluded.recorder_id, updated_at = excluded.updated_at`,
				id, key, j.Indicator, t.Entity.UnitPath, j.Grade, j.Value, j.Basis, a.UserID, tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("store judgement: %w", err)
			}
			if b := before[j.Indicator]; b != nil {
				was = append(was, b.summary())
			}
			now = append(now, j.summary())
		}
		ev := audit.Event{Action: "judgement.record", ObjectType: "judgement", ObjectID: db.FormatID(id) + "/" + key,
			UnitPath: t.Entity.UnitPath, After: map[string]any{"cycle": t.Cycle.Code, "entity": key, "name": t.Entity.Name, "judgements": now}}
		if len(was) > 0 {
			ev.Before = map[string]any{"judgements": was}
		}
		return auth.Record(ctx, tx, a, ev)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (j *Judgement) summary() map[string]any {
	return map[string]any{"indicator": j.Indicator, "grade": j.Grade, "value": j.Value, "basis": j.Basis}
}

// parseRows checks the rows against the judgeable leaves and returns the
// judgements they give.
func parseRows(leaves []Leaf, rows []JudgementRow, id int64, key string) ([]*Judgement, error) {
	byCode := map[string]*Leaf{}
	for i := range leaves {
		byCode[leaves[i].Code] = &leaves[i]
	}
	var l errs.List
	bad := func(r *JudgementRow, e *errs.Error) {
		e.Row = r.Row
		if e.Args == nil {
			e.Args = map[string]any{}
		}
		e.Args["indicator"] = r.Indicator
		if lf := byCode[r.Indicator]; lf != nil {
			e.Args["indicator"] = lf.Name
		}
		l.Add(e)
	}
	var out []*Judgement
	seen := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		r.Grade, r.Score, r.Basis = strings.TrimSpace(r.Grade), strings.TrimSpace(r.Score), strings.TrimSpace(r.Basis)
		lf := byCode[r.Indicator]
		switch {
		case lf == nil:
			bad(r, errs.Field("indicator", "fieldwork.judgement.indicator_unknown", "not a qualitative indicator of the cycle's scheme"))
			continue
		case seen[r.Indicator]:
			bad(r, errs.Field("indicator", "fieldwork.judgement.duplicate", "the indicator is judged twice"))
			continue
		case r.Grade == "" && r.Score == "" && r.Basis == "":
			continue
		}
		seen[r.Indicator] = true
		j := &Judgement{CycleID: id, Entity: key, Indicator: r.Indicator, Basis: r.Basis}
		if len(lf.Grades) > 0 {
			pts, ok := lf.Grade(r.Grade)
			switch {
			case r.Grade == "":
				bad(r, errs.Field("grade", "fieldwork.judgement.grade_required", "choose a grade"))
			case !ok:
				bad(r, errs.Field("grade", "fieldwork.judgement.grade_unknown", "not a grade of the scheme"))
			}
			j.Grade, j.Value = r.Grade, pts
		} else {
			v, err := strconv.ParseFloat(r.Score, 64)
			switch {
			case r.Score == "":
				bad(r, errs.Field("score", "fieldwork.judgement.score_required", "give a score"))
			case err != nil || strings.ContainsAny(r.Score, "xXpPnN_"):
				bad(r, errs.Field("score", "fieldwork.judgement.score_invalid", "the score is not a number"))
			case v < 0 || v > maxScore:
				e := errs.Field("score", "fieldwork.judgement.score_range", "the score is outside 0 to 100")
				e.Args = map[string]any{"max": maxScore}
				bad(r, e)
			}
			j.Value = v
		}
		if e := errs.CheckText("basis", "fieldwork.judgement.basis", "the basis", r.Basis, maxBasis, true); e != nil {
			bad(r, e)
		}
		out = append(out, j)
	}
	if len(l) > 0 {
		return nil, l
	}
	if len(out) == 0 {
		return nil, errs.New(errs.Invalid, "fieldwork.judgement.empty", "judge at least one indicator")
	}
	return out, nil
}

// judgements reads the judgements of entity key in cycle id.
func judgements(ctx context.Context, tx *db.Tx, id int64, key string) ([]*Judgement, error) {
	var out []*Judgement
	err := db.EachRow(ctx, tx, `SELECT indicator, grade, value, basis, recorder_id, updated_at FROM judgements
		WHERE cycle_id = $1 AND entity = $2 ORDER BY indicator`, []any{id, key}, func(scan func(...any) error) error {
		j := &Judgement{CycleID: id, Entity: key}
		var at int64
		if err := scan(&j.Indicator, &j.Grade, &j.Value, &j.Basis, &j.RecorderID, &at); err != nil {
			return err
		}
		j.UpdatedAt = db.Micros(at)
		out = append(out, j)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read judgements: %w", err)
	}
	return out, recorders(ctx, tx, len(out), func(i int) (int64, *string) { return out[i].RecorderID, &out[i].Recorder })
}

// Judgements calls each with the team's judgement of each entity and
// qualitative indicator of cycle id, inside tx: what a scoring run of the
// cycle reads (cycle.JudgementSource). It checks no policy; the cycle has
// authorized its own action.
func Judgements(ctx context.Context, tx *db.Tx, cycleID int64, each func(entity, indicator string, v float64)) error {
	err := db.EachRow(ctx, tx, `SELECT entity, indicator, value FROM judgements WHERE cycle_id = $1`, []any{cycleID},
		func(scan func(...any) error) error {
			var e, ind string
			var v float64
			if err := scan(&e, &ind, &v); err != nil {
				return err
			}
			each(e, ind, v)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read judgements of cycle %d: %w", cycleID, err)
	}
	return nil
}
