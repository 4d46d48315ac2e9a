package collect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Provenance says where a value that a scoring run read came from: the
// item's owner department and the version that was current then, how it
// arrived (a provider's upload, a field verification, a system's
// computation) and when.
type Provenance struct {
	Item string
	// Owner is the name of the department that owns the item.
	Owner   string
	Source  Source
	Version int
	At      time.Time
}

// ProvenanceAt returns the provenance of the value of each of items for
// the entity and period as it was current at time at (a snapshot's
// creation), by item. Items the actor may not read, that are not data
// items or had no value then are absent: the caller has shown the score,
// this adds where its inputs came from.
func (s *Service) ProvenanceAt(ctx context.Context, a *auth.Actor, entityID int64, period string, items []string, at time.Time) (map[string]*Provenance, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := map[string]*Provenance{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		for _, code := range items {
			it, _, err := s.readable(ctx, tx, a, code, entityID)
			if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
				continue
			}
			if err != nil {
				return err
			}
			p := &Provenance{Item: code, Owner: it.OwnerName}
			var (
				src     string
				created int64
			)
			err = tx.QueryRowContext(ctx, `SELECT source, version, created_at FROM data_values
				WHERE item_code = $1 AND period = $2 AND entity_id = $3 AND created_at <= $4
				ORDER BY version DESC LIMIT 1`, code, period, entityID, at.UnixMicro()).Scan(&src, &p.Version, &created)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("read provenance of %s: %w", code, err)
			}
			p.Source, p.At = Source(src), time.UnixMicro(created)
			out[code] = p
		}
		return nil
	})
	return out, err
}
