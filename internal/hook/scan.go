package hook

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
)

// scanPage is how many audit entries one webhook is matched against per
// transaction.
const scanPage = 500

// payload is the JSON a webhook is posted. ID is the delivery's: a
// receiver that is posted the same ID twice (a retry after a lost answer)
// has seen it.
type payload struct {
	ID         string    `json:"id"`
	Event      Event     `json:"event"`
	OccurredAt time.Time `json:"occurred_at"`
	System     string    `json:"system"`
	Data       any       `json:"data"`
}

// Scan matches every webhook against the audit entries it has not yet
// seen and queues a delivery for each event it subscribes to and may
// know of. Each webhook advances in its own transaction, together with
// the deliveries it queued, so a crash loses nothing and queues nothing
// twice. It returns the number of deliveries queued.
func (s *Service) Scan(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.View(ctx, func(tx *db.Tx) error {
		return db.EachRow(ctx, tx, `SELECT id FROM webhooks ORDER BY id`, nil, func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	actions := s.actions()
	queued := 0
	for _, id := range ids {
		for more := true; more; {
			n := 0
			if err := s.db.InTx(ctx, func(tx *db.Tx) (err error) {
				n, more, err = s.scanOne(ctx, tx, id, actions)
				return err
			}); err != nil {
				return queued, fmt.Errorf("webhook %d: %w", id, err)
			}
			queued += n
		}
	}
	return queued, nil
}

// scanOne matches webhook id against the next page of the log; more is
// whether a page remains.
func (s *Service) scanOne(ctx context.Context, tx *db.Tx, id int64, actions []string) (queued int, more bool, err error) {
	var seen, token int64
	var events, items string
	if err := tx.QueryRowContext(ctx, `SELECT seen_seq, token_id, events, items FROM webhooks WHERE id = $1`, id).
		Scan(&seen, &token, &events, &items); err != nil {
		return 0, false, nil // deleted meanwhile
	}
	head, _, err := audit.Head(ctx, tx)
	if err != nil || head <= seen {
		return 0, false, err
	}
	// A token that is gone, expired or lapsed hears of nothing, then or
	// later: what it could not read while so is not kept for it.
	a, aerr := s.tokens.ShareActor(ctx, tx, token)
	upto := head
	if aerr == nil {
		entries, err := audit.Since(ctx, tx, seen, head, actions, scanPage)
		if err != nil {
			return 0, false, err
		}
		if len(entries) == scanPage {
			upto, more = entries[len(entries)-1].Seq, true
		}
		var its []string
		if items != "" {
			its = strings.Split(items, ",")
		}
		want := strings.Split(events, ",")
		for _, e := range entries {
			for _, src := range s.sources {
				if !slices.Contains(want, string(src.Event)) || !slices.Contains(src.Actions, e.Action) {
					continue
				}
				data, ok, err := src.Notice(ctx, tx, e, a, its)
				if err != nil {
					return 0, false, fmt.Errorf("%s of entry %d: %w", src.Event, e.Seq, err)
				}
				if !ok {
					continue
				}
				if err := queue(ctx, tx, id, e, src.Event, a.Share.System, data); err != nil {
					return 0, false, err
				}
				queued++
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET seen_seq = $1 WHERE id = $2 AND seen_seq = $3`, upto, id, seen); err != nil {
		return 0, false, fmt.Errorf("advance webhook: %w", err)
	}
	return queued, more, nil
}

// queue composes the delivery of event ev of entry e to webhook id, due
// now; an entry already queued for the webhook is left as it is.
func queue(ctx context.Context, tx *db.Tx, id int64, e audit.Entry, ev Event, system string, data any) error {
	did := db.NewID()
	body, err := json.Marshal(payload{ID: db.FormatID(did), Event: ev, OccurredAt: e.At, System: system, Data: data})
	if err != nil {
		return fmt.Errorf("compose %s: %w", ev, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, seq, event, body, status, attempts, next_at,
		last_at, last_status, last_problem, last_error, created_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 0, 0, '', '', $7, 0)
		ON CONFLICT (webhook_id, seq, event) DO NOTHING`, did, id, e.Seq, ev, string(body), Pending, tx.Now.UnixMicro())
	if err != nil {
		return fmt.Errorf("queue %s: %w", ev, err)
	}
	return nil
}
