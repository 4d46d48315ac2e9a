package cycle

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/score"
)

// The functions of this file are how the feedback package reads a
// snapshot's results for the reports it drafts, in the caller's
// transaction; they check no policy: the caller authorizes its own action.

// Entry is one entity's result in a snapshot as a feedback report reads
// it: the feedback sheet's entry (strengths and weak points against the
// group), the radar axes, the stored breakdown and the raw values of the
// leaves in the previous published cycle of the same subject, kind and
// owner.
type Entry struct {
	FeedbackEntry
	Dimensions []Dimension
	Detail     Detail
	// Previous maps a leaf code to its raw value in the previous cycle
	// (PreviousCycle names it); nil when there is none.
	Previous      map[string]score.Num
	PreviousCycle string
}

// Entries calls each for the entities of snapshot snapID of cycle id — all
// of them, or only entity when it is not "" — in row order, with the
// snapshot's header. NotFound when the snapshot is not the cycle's.
func Entries(ctx context.Context, tx *db.Tx, id, snapID int64, entity string, each func(h *Header, e *Entry) error) error {
	c, err := getCycle(ctx, tx, id)
	if err != nil {
		return err
	}
	sn, err := getSnapshot(ctx, tx, id, snapID)
	if err != nil {
		return err
	}
	h := sn.Header
	names := map[string]string{}
	for k, code := range h.Nodes {
		names[code] = h.Names[k]
	}
	prev, prevName, err := previousRaw(ctx, tx, c, entity)
	if err != nil {
		return err
	}
	q := `SELECT ` + resultCols + `, r.detail FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
		WHERE r.snapshot_id = $1`
	args := []any{snapID, id}
	if entity != "" {
		q += ` AND r.entity = ` + db.Arg(&args, entity)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY r.row_no`, args...)
	if err != nil {
		return fmt.Errorf("read results: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var detail string
		r, err := scanResult(rows, &detail)
		if err != nil {
			return err
		}
		e := &Entry{}
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return fmt.Errorf("result detail: %w", err)
		}
		e.FeedbackEntry = feedbackEntry(h, names, r, &e.Detail)
		for k := range h.Groups {
			if h.Groups[k].Group == r.Entity.Group {
				e.Dimensions = dimensions(h, &h.Groups[k], &e.Detail)
			}
		}
		if p, ok := prev[r.Entity.ID]; ok {
			e.Previous, e.PreviousCycle = p, prevName
		}
		if err := each(h, e); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 && entity != "" {
		return notFound("result")
	}
	return nil
}

// previousRaw reads the raw leaf values of the published cycle before c
// (same subject, kind and owner, the latest earlier period): by entity,
// then leaf code; for one entity when entity is not "".
func previousRaw(ctx context.Context, tx *db.Tx, c *Cycle, entity string) (map[string]map[string]score.Num, string, error) {
	var snapID int64
	var name string
	err := db.EachRow(ctx, tx, `SELECT published_snapshot_id, name FROM cycles WHERE subject = $1 AND kind = $2 AND owner_unit_id = $3
		AND period < $4 AND published_snapshot_id <> 0 ORDER BY period DESC LIMIT 1`, []any{c.Subject, c.Kind, c.OwnerUnitID, c.Period},
		func(scan func(...any) error) error { return scan(&snapID, &name) })
	if err != nil || snapID == 0 {
		return nil, "", err
	}
	var header string
	if err := tx.QueryRowContext(ctx, `SELECT header FROM snapshots WHERE id = $1`, snapID).Scan(&header); err != nil {
		return nil, "", fmt.Errorf("read previous snapshot: %w", err)
	}
	var h Header
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		return nil, "", fmt.Errorf("previous snapshot header: %w", err)
	}
	q := `SELECT entity, detail FROM snapshot_results WHERE snapshot_id = $1`
	args := []any{snapID}
	if entity != "" {
		q += ` AND entity = $2`
		args = append(args, entity)
	}
	out := map[string]map[string]score.Num{}
	err = db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
		var e, detail string
		if err := scan(&e, &detail); err != nil {
			return err
		}
		var d Detail
		if err := json.Unmarshal([]byte(detail), &d); err != nil {
			return fmt.Errorf("previous detail: %w", err)
		}
		m := make(map[string]score.Num, len(h.Leaves))
		for j, l := range h.Leaves {
			m[l] = at(d.Raw, j)
		}
		out[e] = m
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("read previous results: %w", err)
	}
	return out, name, nil
}

// PublishedAt returns when cycle id was first published (its move to the
// published stage); the zero time when it never was.
func PublishedAt(ctx context.Context, tx *db.Tx, id int64) (time.Time, error) {
	var at int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(created_at), 0) FROM cycle_stage_log WHERE cycle_id = $1 AND to_stage = $2`,
		id, Published).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("read publication: %w", err)
	}
	if at == 0 {
		return time.Time{}, nil
	}
	return db.Micros(at), nil
}
