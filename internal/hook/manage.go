package hook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Draft is a webhook as the office enters it.
type Draft struct {
	URL    string
	Events []Event
	// Items narrows ValueChanged to some of the token's items; empty for
	// all of them.
	Items []string
}

// MaxPerToken bounds the webhooks of one sharing token.
const MaxPerToken = 10

// maxURL bounds a webhook's address.
const maxURL = 2000

// checkURL checks a webhook's address: absolute http or https, with a
// host and without credentials (the secret signs; the address is shown).
func checkURL(raw string) *errs.Error {
	if raw == "" || len(raw) > maxURL {
		return errs.Field("url", "hook.url_invalid", "give the receiver's address, http:// or https://, at most 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return errs.Field("url", "hook.url_invalid", "give the receiver's address, http:// or https://, at most 2000 characters")
	}
	if u.User != nil {
		return errs.Field("url", "hook.url_credentials", "the address holds no user name or password: the signature authenticates")
	}
	return nil
}

// check validates d against the token's share and returns its events and
// items in canonical order.
func (d Draft) check(sh *auth.Share) ([]Event, []string, error) {
	var bad errs.List
	if e := checkURL(d.URL); e != nil {
		bad.Add(e)
	}
	var events []Event
	for _, ev := range Events {
		if slices.Contains(d.Events, ev) {
			events = append(events, ev)
		}
	}
	unknown := slices.ContainsFunc(d.Events, func(ev Event) bool { return !slices.Contains(Events, ev) })
	switch {
	case len(events) == 0 || unknown:
		bad.Add(errs.Field("events", "hook.events_invalid", "choose one or more of the events"))
	case !sh.Results && (slices.Contains(events, CyclePublished) || slices.Contains(events, ReportReleased)):
		bad.Add(errs.Field("events", "hook.events_results", "the token reads no results, so it hears of no publication or report"))
	case len(sh.Items) == 0 && slices.Contains(events, ValueChanged):
		bad.Add(errs.Field("events", "hook.events_items", "the token reads no items, so it hears of no values"))
	}
	var items []string
	for _, it := range d.Items {
		if it = strings.TrimSpace(it); it == "" {
			continue
		}
		if !sh.MayReadItem(it) {
			e := errs.Field("items", "hook.item_not_shared", "the token does not read this item")
			e.Args = map[string]any{"item": it}
			bad.Add(e)
			break
		}
		items = append(items, it)
	}
	slices.Sort(items)
	items = slices.Compact(items)
	if len(items) > 0 && !slices.Contains(events, ValueChanged) {
		bad.Add(errs.Field("items", "hook.items_unused", "items narrow the value event only"))
	}
	return events, items, bad.Err()
}

// newSecret returns a fresh signing secret.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Create adds a webhook to sharing token tokenID: it hears of the events
// that happen after it is made. The actor needs ActUserManage on the
// token's subtree, as for the token itself. It returns the webhook and
// its signing secret, shown only this once.
func (s *Service) Create(ctx context.Context, a *auth.Actor, tokenID int64, d Draft) (*Webhook, string, error) {
	if err := s.pol.RequireAny(a, auth.ActUserManage); err != nil {
		return nil, "", err
	}
	var out *Webhook
	secret := newSecret()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.managed(ctx, tx, a, tokenID)
		if err != nil {
			return err
		}
		events, items, err := d.check(t.Share)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM webhooks WHERE token_id = $1`, tokenID).Scan(&n); err != nil {
			return fmt.Errorf("count webhooks: %w", err)
		}
		if n >= MaxPerToken {
			e := errs.New(errs.Conflict, "hook.too_many", "the token has as many webhooks as it may")
			e.Args = map[string]any{"max": MaxPerToken}
			return e
		}
		head, _, err := audit.Head(ctx, tx)
		if err != nil {
			return err
		}
		out = &Webhook{ID: db.NewID(), TokenID: tokenID, URL: d.URL, Events: events, Items: items, CreatedBy: a.UserID, CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, token_id, url, events, items, secret, seen_seq, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, out.ID, tokenID, out.URL, joinEvents(events), strings.Join(items, ","),
			secret, head, a.UserID, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "webhook.create", ObjectType: "webhook", ObjectID: db.FormatID(out.ID),
			UnitPath: t.Share.UnitPath, After: map[string]any{"token_id": db.FormatID(tokenID), "system": t.Share.System,
				"url": out.URL, "events": events, "items": items}})
	})
	if err != nil {
		return nil, "", err
	}
	return out, secret, nil
}

// managed reads sharing token id for a, who must manage users in its
// subtree; any other token is not found (decision 0161).
func (s *Service) managed(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*auth.APIToken, error) {
	t, err := s.tokens.ShareToken(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.pol.Authorize(a, auth.ActUserManage, t.Share.UnitPath); err != nil {
		return nil, errs.New(errs.NotFound, "auth.token.not_found", "no such API token")
	}
	return t, nil
}

// Webhooks returns sharing token tokenID and its webhooks with the counts
// of their deliveries; the actor needs ActUserManage on its subtree.
func (s *Service) Webhooks(ctx context.Context, a *auth.Actor, tokenID int64) (*auth.APIToken, []Webhook, error) {
	if err := s.pol.RequireAny(a, auth.ActUserManage); err != nil {
		return nil, nil, err
	}
	var t *auth.APIToken
	var out []Webhook
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		if t, err = s.managed(ctx, tx, a, tokenID); err != nil {
			return err
		}
		out, err = listWebhooks(ctx, tx, `w.token_id = $1`, tokenID)
		return err
	})
	return t, out, err
}

// webhook reads webhook id and its token for a, who must manage users in
// the token's subtree.
func (s *Service) webhook(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*auth.APIToken, *Webhook, error) {
	ws, err := listWebhooks(ctx, tx, `w.id = $1`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(ws) == 0 {
		return nil, nil, errs.New(errs.NotFound, "hook.not_found", "no such webhook")
	}
	t, err := s.managed(ctx, tx, a, ws[0].TokenID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, errs.New(errs.NotFound, "hook.not_found", "no such webhook")
	}
	return t, &ws[0], err
}

// Delete removes webhook id and its delivery log and returns what it
// was; the audit log keeps the record of the deletion (with the counts)
// and of the events.
func (s *Service) Delete(ctx context.Context, a *auth.Actor, id int64) (*Webhook, error) {
	if err := s.pol.RequireAny(a, auth.ActUserManage); err != nil {
		return nil, err
	}
	var out *Webhook
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, w, err := s.webhook(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = w
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "webhook.delete", ObjectType: "webhook", ObjectID: db.FormatID(id),
			UnitPath: t.Share.UnitPath, Before: map[string]any{"token_id": db.FormatID(w.TokenID), "url": w.URL,
				"events": w.Events, "pending": w.Pending, "delivered": w.Delivered, "failed": w.Failed}})
	})
	return out, err
}

// Deliveries returns webhook id with its latest limit deliveries, newest
// first; the actor needs ActUserManage on the token's subtree.
func (s *Service) Deliveries(ctx context.Context, a *auth.Actor, id int64, limit int) (*auth.APIToken, *Webhook, []Delivery, error) {
	if err := s.pol.RequireAny(a, auth.ActUserManage); err != nil {
		return nil, nil, nil, err
	}
	var t *auth.APIToken
	var w *Webhook
	var out []Delivery
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		if t, w, err = s.webhook(ctx, tx, a, id); err != nil {
			return err
		}
		out, err = listDeliveries(ctx, tx, `webhook_id = $1 ORDER BY seq DESC, id DESC LIMIT $2`, id, limit)
		return err
	})
	return t, w, out, err
}

// Redeliver queues failed delivery id of webhook wid again, due now,
// with a fresh set of attempts; the office does so once the receiver is
// repaired.
func (s *Service) Redeliver(ctx context.Context, a *auth.Actor, wid, id int64) error {
	if err := s.pol.RequireAny(a, auth.ActUserManage); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ds, err := listDeliveries(ctx, tx, `id = $1 AND webhook_id = $2`, id, wid)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return errs.New(errs.NotFound, "hook.delivery_not_found", "no such delivery")
		}
		t, _, err := s.webhook(ctx, tx, a, ds[0].WebhookID)
		if errs.Is(err, errs.NotFound) {
			return errs.New(errs.NotFound, "hook.delivery_not_found", "no such delivery")
		}
		if err != nil {
			return err
		}
		if ds[0].Status != Failed {
			return errs.New(errs.Conflict, "hook.not_failed", "only a failed delivery is sent again")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = 0, next_at = $2 WHERE id = $3`,
			Pending, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("redeliver: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "webhook.redeliver", ObjectType: "webhook", ObjectID: db.FormatID(ds[0].WebhookID),
			UnitPath: t.Share.UnitPath, After: map[string]any{"delivery": db.FormatID(id), "event": ds[0].Event}})
	})
}

// joinEvents stores events comma-separated.
func joinEvents(evs []Event) string {
	s := make([]string, len(evs))
	for i, e := range evs {
		s[i] = string(e)
	}
	return strings.Join(s, ",")
}

// listWebhooks reads the webhooks the condition on w picks, oldest first,
// with the counts of their deliveries.
func listWebhooks(ctx context.Context, tx *db.Tx, where string, arg any) ([]Webhook, error) {
	rs, err := tx.QueryContext(ctx, `SELECT w.id, w.token_id, w.url, w.events, w.items, w.created_by, w.created_at,
		(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending'),
		(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'delivered'),
		(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed')
		FROM webhooks w WHERE `+where+` ORDER BY w.created_at, w.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rs.Close()
	var out []Webhook
	for rs.Next() {
		var w Webhook
		var events, items string
		var created int64
		if err := rs.Scan(&w.ID, &w.TokenID, &w.URL, &events, &items, &w.CreatedBy, &created, &w.Pending, &w.Delivered, &w.Failed); err != nil {
			return nil, fmt.Errorf("list webhooks: %w", err)
		}
		for _, e := range strings.Split(events, ",") {
			w.Events = append(w.Events, Event(e))
		}
		if items != "" {
			w.Items = strings.Split(items, ",")
		}
		w.CreatedAt = db.Micros(created)
		out = append(out, w)
	}
	return out, rs.Err()
}

// listDeliveries reads the deliveries the condition picks.
func listDeliveries(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Delivery, error) {
	rs, err := tx.QueryContext(ctx, `SELECT id, webhook_id, seq, event, body, status, attempts, next_at, last_at, last_status,
		last_problem, last_error, created_at, delivered_at FROM webhook_deliveries WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	defer rs.Close()
	var out []Delivery
	for rs.Next() {
		var d Delivery
		var next, last, created, delivered int64
		if err := rs.Scan(&d.ID, &d.WebhookID, &d.Seq, &d.Event, &d.Body, &d.Status, &d.Attempts, &next, &last, &d.LastStatus,
			&d.LastProblem, &d.LastError, &created, &delivered); err != nil {
			return nil, fmt.Errorf("list deliveries: %w", err)
		}
		d.NextAt, d.LastAt, d.CreatedAt, d.DeliveredAt = db.Micros(next), db.Micros(last), db.Micros(created), db.Micros(delivered)
		out = append(out, d)
	}
	return out, rs.Err()
}

// Names returns the receiver address of each webhook of ids, for the
// audit log, in the caller's transaction; ids without a webhook (deleted)
// are absent. It checks no policy.
func Names(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	out, err := db.Names(ctx, tx, `SELECT id, url FROM webhooks WHERE id IN (%s)`, ids)
	if err != nil {
		return nil, fmt.Errorf("name webhooks: %w", err)
	}
	return out, nil
}
