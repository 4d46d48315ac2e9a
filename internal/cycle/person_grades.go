package cycle

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/db"
)

// PersonGrade is a cadre's grade in one published cycle, as the outcome
// rules read a cadre's history.
type PersonGrade struct {
	CycleID int64
	Cycle   string
	Kind    Kind
	// Period is the cycle's period ('2025', '2025Q3').
	Period string
	// SnapshotID is the published snapshot the grade is read from, Entity
	// the cadre's entity in it.
	SnapshotID int64
	Entity     string
	// Grade is the grade after calibration.
	Grade string
	// PublishedAt is when the cycle was last published; zero when its
	// stage log does not say.
	PublishedAt time.Time
}

// PersonGrades returns the grades of person personID in every published
// cadre cycle, in tx, oldest period first. It checks no policy: the caller
// has authorized its own action.
func PersonGrades(ctx context.Context, tx *db.Tx, personID int64) ([]PersonGrade, error) {
	var out []PersonGrade
	err := db.EachRow(ctx, tx, `SELECT c.id, c.name, c.kind, c.period, c.published_snapshot_id, e.entity, `+gradeSQL+`,
		COALESCE((SELECT MAX(l.created_at) FROM cycle_stage_log l WHERE l.cycle_id = c.id AND l.to_stage = 'published'), 0)
		FROM cycle_entities e
		JOIN cycles c ON c.id = e.cycle_id
		JOIN snapshot_results r ON r.snapshot_id = c.published_snapshot_id AND r.entity = e.entity
		WHERE c.published_snapshot_id <> 0 AND e.person_id = $1
		ORDER BY c.period, c.id`, []any{personID}, func(scan func(...any) error) error {
		var g PersonGrade
		var at int64
		if err := scan(&g.CycleID, &g.Cycle, &g.Kind, &g.Period, &g.SnapshotID, &g.Entity, &g.Grade, &at); err != nil {
			return err
		}
		if at != 0 {
			g.PublishedAt = db.Micros(at)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read grades of person %d: %w", personID, err)
	}
	return out, nil
}
