package track

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// Shortfall is a commitment verified at year end as not, or not fully,
// delivered (未完成, 基本完成): what a feedback report names as a problem.
type Shortfall struct {
	ID        int64
	Title     string
	Dimension string
	Verdict   Verdict
	Reason    string
}

// ShortfallOwner keys the shortfalls of a year: a team's by its unit
// (Person 0), a cadre's by the person (Unit 0).
type ShortfallOwner struct{ Unit, Person int64 }

// Shortfalls returns, in tx, the commitments of year verified 未完成 or
// 基本完成, by owner, in the order they were made. Only the caller's
// transaction is read; the caller checks who may.
func Shortfalls(ctx context.Context, tx *db.Tx, year int) (map[ShortfallOwner][]Shortfall, error) {
	out := map[ShortfallOwner][]Shortfall{}
	err := db.EachRow(ctx, tx, `SELECT id, unit_id, person_id, title, dimension, verdict, verdict_reason FROM commitments
		WHERE year = $1 AND stage = $2 AND verdict IN ($3, $4) ORDER BY created_at, id`,
		[]any{year, string(StageVerified), string(Missed), string(Mostly)}, func(scan func(...any) error) error {
			var s Shortfall
			var unit, person int64
			if err := scan(&s.ID, &unit, &person, &s.Title, &s.Dimension, &s.Verdict, &s.Reason); err != nil {
				return err
			}
			key := ShortfallOwner{Unit: unit}
			if person != 0 {
				key = ShortfallOwner{Person: person}
			}
			out[key] = append(out[key], s)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read shortfalls of %d: %w", year, err)
	}
	return out, nil
}
