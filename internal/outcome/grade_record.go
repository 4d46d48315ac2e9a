package outcome

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// RecordGrade records the annual grade of cadre personID for a year
// before the platform, from the paper archive (source is its reference,
// e.g. 青组考〔2023〕5号); a published cycle's grade of the same year takes
// precedence over it. The office of the cadre's units may
// (ActOutcomeDecide); a year already recorded is refused.
func (s *Service) RecordGrade(ctx context.Context, a *auth.Actor, personID int64, year int, grade, source string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	source = strings.TrimSpace(source)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := s.mayDecide(ctx, tx, a, personID)
		if err != nil {
			return err
		}
		var l errs.List
		if year < 1980 || year > tx.Now.Year() {
			l.Add(errs.Field("year", "outcome.grade.year_invalid", "year out of range"))
		}
		if !slices.Contains(gradeOrder, grade) {
			l.Add(errs.Field("grade", "outcome.grade.grade_invalid", "no such grade"))
		}
		if e := errs.CheckText("source", "outcome.grade.source", "source", source, 100, true); e != nil {
			l.Add(e)
		}
		if err := l.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outcome_grades WHERE person_id = $1 AND year = $2`, personID, year).
			Scan(&n); err != nil {
			return fmt.Errorf("read recorded grades: %w", err)
		}
		if n > 0 {
			return errs.Field("year", "outcome.grade.year_taken", "the year is recorded")
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO outcome_grades (id, person_id, year, grade, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, personID, year, grade, source, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert grade: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.grade_record", ObjectType: "person", ObjectID: db.FormatID(personID),
			UnitPath: path, After: map[string]any{"year": year, "grade": grade, "source": source}, Reason: source})
	})
}
