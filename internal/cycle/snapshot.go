package cycle

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Snapshot is the stored, immutable result of one scoring run. Nothing in
// this package updates or deletes a snapshot or its rows; approval,
// calibration and publication are recorded beside it.
type Snapshot struct {
	ID      int64
	CycleID int64
	// Number counts the cycle's runs from 1.
	Number          int
	SchemeVersionID int64
	// SchemeDigest is the hex SHA-256 of the scheme document scored.
	SchemeDigest  string
	EngineVersion string
	// InputsHash is the hex SHA-256 of the canonical inputs.
	InputsHash string
	Draws      int
	Seed       uint64
	Entities   int
	// Digest is the hex SHA-256 over the header and every result row.
	Digest string
	// Actor is who ran it as the audit log names them, ActorID the user
	// (0 for the system) and ActorName the user's name ("" for the
	// system), filled by listSnapshots.
	Actor     string
	ActorID   int64
	ActorName string
	CreatedAt time.Time
	// Header is the parsed header (loaded by SnapshotOf and the result
	// readers).
	Header *Header
}

const snapshotCols = `id, cycle_id, number, scheme_version_id, scheme_digest, engine_version, inputs_hash, draws, seed, entities, digest, actor, actor_id, created_at`

func scanSnapshot(r interface{ Scan(...any) error }) (*Snapshot, error) {
	var s Snapshot
	var seed, created int64
	if err := r.Scan(&s.ID, &s.CycleID, &s.Number, &s.SchemeVersionID, &s.SchemeDigest, &s.EngineVersion, &s.InputsHash,
		&s.Draws, &seed, &s.Entities, &s.Digest, &s.Actor, &s.ActorID, &created); err != nil {
		return nil, err
	}
	s.Seed, s.CreatedAt = uint64(seed), db.Micros(created)
	return &s, nil
}

// getSnapshot reads snapshot id of cycle cycleID with its header.
func getSnapshot(ctx context.Context, tx *db.Tx, cycleID, id int64) (*Snapshot, error) {
	var header string
	row := tx.QueryRowContext(ctx, `SELECT `+snapshotCols+`, header FROM snapshots WHERE id = $1 AND cycle_id = $2`, id, cycleID)
	var s Snapshot
	var seed, created int64
	err := row.Scan(&s.ID, &s.CycleID, &s.Number, &s.SchemeVersionID, &s.SchemeDigest, &s.EngineVersion, &s.InputsHash,
		&s.Draws, &seed, &s.Entities, &s.Digest, &s.Actor, &s.ActorID, &created, &header)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("snapshot")
	}
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	s.Seed, s.CreatedAt = uint64(seed), db.Micros(created)
	s.Header = new(Header)
	if err := json.Unmarshal([]byte(header), s.Header); err != nil {
		return nil, fmt.Errorf("snapshot %d: header: %w", id, err)
	}
	return &s, nil
}

// Snapshots lists the scoring runs of cycle id, newest first; the actor
// needs ActCycleManage (others see the published results only).
func (s *Service) Snapshots(ctx context.Context, a *auth.Actor, id int64) ([]*Snapshot, error) {
	var out []*Snapshot
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleManage, id); err != nil {
			return err
		}
		var err error
		out, err = listSnapshots(ctx, tx, id)
		return err
	})
	return out, err
}

// listSnapshots reads the snapshots of cycle id, newest first, without
// their headers.
func listSnapshots(ctx context.Context, tx *db.Tx, id int64) ([]*Snapshot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+snapshotCols+` FROM snapshots WHERE cycle_id = $1 ORDER BY number DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	var out []*Snapshot
	var actors []int64
	for rows.Next() {
		sn, err := scanSnapshot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sn)
		actors = append(actors, sn.ActorID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := auth.UserNames(ctx, tx, actors)
	for _, sn := range out {
		sn.ActorName = names[sn.ActorID].Name
	}
	return out, err
}

// Verify recomputes the digest of snapshot snapID of cycle id from its
// stored header and rows and reports whether it matches the stored digest:
// false means the rows were changed behind the service's back.
func (s *Service) Verify(ctx context.Context, a *auth.Actor, id, snapID int64) (bool, error) {
	ok := false
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id); err != nil {
			return err
		}
		var header, digest string
		err := tx.QueryRowContext(ctx, `SELECT header, digest FROM snapshots WHERE id = $1 AND cycle_id = $2`, snapID, id).Scan(&header, &digest)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("snapshot")
		}
		if err != nil {
			return fmt.Errorf("read snapshot: %w", err)
		}
		rows, err := readRows(ctx, tx, snapID)
		if err != nil {
			return err
		}
		ok = snapshotDigest([]byte(header), rows) == digest
		return nil
	})
	return ok, err
}

// readRows reads every result row of a snapshot in row order.
func readRows(ctx context.Context, tx *db.Tx, snapID int64) ([]resultRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entity, grp, base, bonus, deduction, total, rank, rank_p05, rank_p50, rank_p95,
		grade, flags, detail FROM snapshot_results WHERE snapshot_id = $1 ORDER BY row_no`, snapID)
	if err != nil {
		return nil, fmt.Errorf("read snapshot results: %w", err)
	}
	defer rows.Close()
	var out []resultRow
	for rows.Next() {
		var r resultRow
		var detail string
		if err := rows.Scan(&r.entity, &r.group, &r.base, &r.bonus, &r.deduction, &r.total, &r.rank, &r.p05, &r.p50, &r.p95,
			&r.grade, &r.flags, &detail); err != nil {
			return nil, err
		}
		r.detail = []byte(detail)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Export writes the canonical content of a snapshot — what its digest is
// computed over — for comparison and archiving. Identical inputs give
// identical exports, byte for byte.
func (s *Service) Export(ctx context.Context, a *auth.Actor, id, snapID int64) ([]byte, error) {
	var out []byte
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleRead, id)
		if err != nil {
			return err
		}
		if !s.mayReview(a, c) && snapID != c.PublishedSnapshotID {
			return notFound("snapshot")
		}
		var header string
		var sn *Snapshot
		if sn, err = getSnapshot(ctx, tx, id, snapID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT header FROM snapshots WHERE id = $1`, snapID).Scan(&header); err != nil {
			return err
		}
		rows, err := readRows(ctx, tx, snapID)
		if err != nil {
			return err
		}
		buf := &byteWriter{}
		fmt.Fprintf(buf, "inputs %s\nscheme_version %d %s\nengine %s\n", sn.InputsHash, sn.SchemeVersionID, sn.SchemeDigest, sn.EngineVersion)
		h := sha256.New()
		writeDigest(h, []byte(header), rows)
		fmt.Fprintf(buf, "digest %s\n", hex.EncodeToString(h.Sum(nil)))
		writeDigest(buf, []byte(header), rows)
		out = buf.b
		return nil
	})
	return out, err
}

type byteWriter struct{ b []byte }

func (w *byteWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
