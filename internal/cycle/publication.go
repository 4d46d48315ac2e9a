package cycle

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Publication is a cycle's results made public: first published, or
// republished as a new snapshot version after a correction (Revised).
type Publication struct {
	Cycle      *Cycle
	SnapshotID int64
	// Version is the snapshot's number within the cycle.
	Version int
	Revised bool
}

// PublicationActions are the audit actions that may publish results.
var PublicationActions = []string{"cycle.move", "cycle.revise"}

// PublicationOf reads, within tx, the publication audit entry e records,
// for a: nil when e publishes nothing, or when the cycle assesses no
// entity whose results a may read — wherever the cycle's owner is, as
// PublishedAssessing lists. The webhooks of sharing tokens tell of it.
func (s *Service) PublicationOf(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor) (*Publication, error) {
	var after struct {
		Stage    Stage `json:"stage"`
		Snapshot int64 `json:"published_snapshot_id"`
	}
	if e.ObjectType != "cycle" || e.After == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(e.After), &after); err != nil {
		return nil, fmt.Errorf("read audit entry %d: %w", e.Seq, err)
	}
	p := &Publication{SnapshotID: after.Snapshot, Revised: e.Action == "cycle.revise"}
	if (!p.Revised && after.Stage != Published) || p.SnapshotID == 0 {
		return nil, nil
	}
	id, err := strconv.ParseInt(e.ObjectID, 10, 64)
	if err != nil {
		return nil, nil
	}
	args := []any{id}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cycle_entities e WHERE e.cycle_id = $1 AND `+s.entityScope(a, &args), args...).
		Scan(&n); err != nil {
		return nil, fmt.Errorf("publication of cycle %d: %w", id, err)
	}
	if n == 0 {
		return nil, nil
	}
	if p.Cycle, err = getCycle(ctx, tx, id); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT number FROM snapshots WHERE id = $1`, p.SnapshotID).Scan(&p.Version); err != nil {
		return nil, fmt.Errorf("publication of cycle %d: %w", id, err)
	}
	return p, nil
}
