package track

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/collect"
	"kaohe/internal/db"
)

// OpenItem is something of a post still under way, as a handover (离任交接)
// passes it on: a commitment not yet verified, a major project or a piece
// of 潜绩 of the ledger, or an open monitoring alert.
type OpenItem struct {
	// Kind is "commitment", "ledger" or "alert".
	Kind string
	ID   int64
	// Title says what it is (an alert's indicator by name); Detail what
	// kind of it (a commitment's dimension, a ledger entry's kind, an
	// alert's period).
	Title, Detail string
	// Since is the day it began ('YYYY-MM-DD'): the commitment's filing,
	// the ledger entry's day, the alert's opening.
	Since string
}

// The kinds of OpenItem.
const (
	OpenCommitment = "commitment"
	OpenLedger     = "ledger"
	OpenAlert      = "alert"
)

// OpenOfPost lists, in tx, what is under way for a post of unit unitID
// held by person personID on day ('YYYY-MM-DD'): the unit's team
// commitments and the person's own that are not yet verified; the unit's
// and the person's major projects of the year before day and their 潜绩
// whose revisit is still ahead, each once, as its latest entry has it (a
// project is recorded again at each milestone); and the unit's open
// monitoring alerts.
// Only the caller's transaction is read; the caller checks who may.
func OpenOfPost(ctx context.Context, tx *db.Tx, unitID, personID int64, day string) ([]OpenItem, error) {
	var out []OpenItem
	err := db.EachRow(ctx, tx, `SELECT id, title, dimension, created_at FROM commitments
		WHERE unit_id = $1 AND (person_id = 0 OR person_id = $2) AND stage <> $3 ORDER BY year, created_at, id`,
		[]any{unitID, personID, string(StageVerified)}, func(scan func(...any) error) error {
			it := OpenItem{Kind: OpenCommitment}
			var at int64
			if err := scan(&it.ID, &it.Title, &it.Detail, &at); err != nil {
				return err
			}
			it.Since = db.Micros(at).In(collect.Beijing).Format(time.DateOnly)
			out = append(out, it)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read open commitments: %w", err)
	}
	end, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return nil, fmt.Errorf("open items on %q: %w", day, err)
	}
	from := end.AddDate(-1, 0, 0).Format(time.DateOnly)
	var ledger []OpenItem
	err = db.EachRow(ctx, tx, `SELECT id, title, kind, day FROM ledger_entries
		WHERE unit_id = $1 AND (person_id = 0 OR person_id = $2)
		AND ((kind = $3 AND day > $4 AND day <= $5) OR (latent AND revisit_on >= $5)) ORDER BY day, id`,
		[]any{unitID, personID, string(EntryProject), from, day}, func(scan func(...any) error) error {
			it := OpenItem{Kind: OpenLedger}
			if err := scan(&it.ID, &it.Title, &it.Detail, &it.Since); err != nil {
				return err
			}
			ledger = append(ledger, it)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read open ledger entries: %w", err)
	}
	latest := map[[2]string]int{}
	for i, it := range ledger {
		latest[[2]string{it.Detail, it.Title}] = i
	}
	for i, it := range ledger {
		if latest[[2]string{it.Detail, it.Title}] == i {
			out = append(out, it)
		}
	}
	var codes []string
	err = db.EachRow(ctx, tx, `SELECT a.id, m.item_code, a.period, a.opened_at FROM monitor_alerts a JOIN monitors m ON m.id = a.monitor_id
		WHERE m.unit_id = $1 AND a.closed_at = 0 ORDER BY a.opened_at, a.id`, []any{unitID}, func(scan func(...any) error) error {
		it := OpenItem{Kind: OpenAlert}
		var at int64
		if err := scan(&it.ID, &it.Title, &it.Detail, &at); err != nil {
			return err
		}
		codes = append(codes, it.Title)
		it.Since = db.Micros(at).In(collect.Beijing).Format(time.DateOnly)
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	names, err := collect.ItemNames(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if n := names[out[i].Title]; out[i].Kind == OpenAlert && n != "" {
			out[i].Title = n
		}
	}
	return out, nil
}
