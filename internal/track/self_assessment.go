package track

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// maxSelfAssessment is the longest self-assessment, in characters: a
// 述职报告 runs to a few thousand.
const maxSelfAssessment = 10000

// SelfAssessment is a cadre's 述职/自评 for a year.
type SelfAssessment struct {
	PersonID  int64
	Year      int
	Body      string
	UpdatedAt time.Time
}

// SaveSelfAssessment writes the actor's own self-assessment for year,
// replacing an earlier one. Only the cadre herself writes it.
func (s *Service) SaveSelfAssessment(ctx context.Context, a *auth.Actor, year int, body string) (*SelfAssessment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	var l errs.List
	if year < 2000 || year > 2100 {
		l.Add(errs.Field("year", "track.year_invalid", "the year is a year from 2000 to 2100"))
	}
	if e := errs.CheckText("body", "track.self_assessment", "the self-assessment", body, maxSelfAssessment, true); e != nil {
		l.Add(e)
	}
	if len(l) > 0 {
		return nil, l
	}
	out := &SelfAssessment{PersonID: a.PersonID, Year: year, Body: body}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{a.PersonID}, false)
		if err != nil {
			return err
		}
		if err := s.pol.AuthorizePerson(a, auth.ActSelfAssess, a.PersonID, paths[a.PersonID]); err != nil || a.PersonID == 0 {
			return errs.New(errs.Forbidden, auth.KeyForbidden, "not allowed: "+string(auth.ActSelfAssess))
		}
		out.UpdatedAt = tx.Now
		if _, err := tx.ExecContext(ctx, `DELETE FROM self_assessments WHERE person_id = $1 AND year = $2`, a.PersonID, year); err != nil {
			return fmt.Errorf("save self-assessment: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO self_assessments (person_id, year, body, updated_at) VALUES ($1, $2, $3, $4)`,
			a.PersonID, year, body, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("save self-assessment: %w", err)
		}
		path := audit.GlobalPath
		if len(paths[a.PersonID]) > 0 {
			path = paths[a.PersonID][0]
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "self_assessment.save", ObjectType: "person", ObjectID: db.FormatID(a.PersonID),
			UnitPath: path, After: map[string]any{"year": year, "chars": len([]rune(body))}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SelfAssessmentOf returns person's self-assessment for year, nil when she
// wrote none, to the office and the team in scope and to herself;
// NotFound for anyone else.
func (s *Service) SelfAssessmentOf(ctx context.Context, a *auth.Actor, person int64, year int) (*SelfAssessment, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out *SelfAssessment
	err := s.db.View(ctx, func(tx *db.Tx) error {
		paths, err := org.PersonPaths(ctx, tx, []int64{person}, true)
		if err != nil {
			return err
		}
		if s.pol.AuthorizePerson(a, auth.ActSelfAssessRead, person, paths[person]) != nil {
			return errs.NoSuch("self-assessment")
		}
		sa := &SelfAssessment{PersonID: person, Year: year}
		var updated int64
		err = tx.QueryRowContext(ctx, `SELECT body, updated_at FROM self_assessments WHERE person_id = $1 AND year = $2`, person, year).
			Scan(&sa.Body, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read self-assessment: %w", err)
		}
		sa.UpdatedAt = db.Micros(updated)
		out = sa
		return nil
	})
	return out, err
}
