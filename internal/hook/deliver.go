package hook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/db"
)

// MaxAttempts is how often a delivery is tried before it fails: with
// Backoff, over about eight and a half hours.
const MaxAttempts = 10

// Backoff is the wait after the n-th failed attempt: a minute, doubling,
// at most six hours.
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 10 {
		return 6 * time.Hour
	}
	return min(time.Minute<<(n-1), 6*time.Hour)
}

// lease is how long a claimed delivery is withheld from another
// dispatcher while it is posted.
const lease = 2 * time.Minute

// deliverPage is how many due deliveries one claim takes.
const deliverPage = 20

// Signature is the value of the X-Kaohe-Signature header of a post of
// body at unix second t: "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
func Signature(secret string, t int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(t, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "t=" + strconv.FormatInt(t, 10) + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// claimed is a delivery taken for posting.
type claimed struct {
	Delivery
	url, secret string
	lapsed      *attemptError
}

// Deliver posts the deliveries that are due, until none is or ctx ends,
// and returns how many were delivered and how many attempts failed.
func (s *Service) Deliver(ctx context.Context) (delivered, failed int, err error) {
	for ctx.Err() == nil {
		batch, err := s.claim(ctx)
		if err != nil || len(batch) == 0 {
			return delivered, failed, err
		}
		for _, c := range batch {
			var status int
			var perr error
			if c.lapsed != nil {
				perr = c.lapsed
			} else {
				status, perr = s.post(ctx, c)
			}
			if err := s.record(ctx, c, status, perr); err != nil {
				return delivered, failed, err
			}
			if perr == nil {
				delivered++
			} else {
				failed++
			}
		}
	}
	return delivered, failed, ctx.Err()
}

// claim takes up to deliverPage due deliveries, leasing each so that a
// second dispatcher does not post it too, and checks each one's token.
func (s *Service) claim(ctx context.Context) ([]claimed, error) {
	var out []claimed
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		out = out[:0]
		now := tx.Now.UnixMicro()
		var due []claimed
		var tokens []int64
		err := db.EachRow(ctx, tx, `SELECT d.id, d.webhook_id, d.seq, d.event, d.body, d.attempts, d.next_at, w.url, w.secret, w.token_id
			FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = $1 AND d.next_at <= $2 ORDER BY d.next_at, d.id LIMIT $3`, []any{Pending, now, deliverPage},
			func(scan func(...any) error) error {
				var c claimed
				var next, token int64
				if err := scan(&c.ID, &c.WebhookID, &c.Seq, &c.Event, &c.Body, &c.Attempts, &next, &c.url, &c.secret, &token); err != nil {
					return err
				}
				c.NextAt = db.Micros(next)
				due = append(due, c)
				tokens = append(tokens, token)
				return nil
			})
		if err != nil {
			return fmt.Errorf("due deliveries: %w", err)
		}
		for i, c := range due {
			if _, err := s.tokens.ShareActor(ctx, tx, tokens[i]); err != nil {
				c.lapsed = &attemptError{ProblemLapsed, fmt.Errorf("the sharing token is revoked, expired or lapsed: %w", err)}
			}
			res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_at = $1 WHERE id = $2 AND status = $3 AND next_at = $4`,
				tx.Now.Add(lease).UnixMicro(), c.ID, Pending, c.NextAt.UnixMicro())
			if err != nil {
				return fmt.Errorf("claim delivery: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out = append(out, c)
			}
		}
		return nil
	})
	return out, err
}

// attemptError is a failed attempt: what went wrong and how.
type attemptError struct {
	problem Problem
	err     error
}

func (e *attemptError) Error() string { return e.err.Error() }

// problemOf classifies an error of the HTTP client.
func problemOf(err error) Problem {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ProblemTimeout
	}
	return ProblemUnreachable
}

// post sends c's body to its webhook, signed, and returns the answer's
// status; an *attemptError for no answer or one other than 2xx.
func (s *Service) post(ctx context.Context, c claimed) (int, error) {
	body := []byte(c.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, &attemptError{ProblemUnreachable, err}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Kaohe-Webhook/1")
	req.Header.Set("X-Kaohe-Event", string(c.Event))
	req.Header.Set("X-Kaohe-Delivery", db.FormatID(c.ID))
	req.Header.Set("X-Kaohe-Signature", Signature(c.secret, s.db.Clock().Unix(), body))
	res, err := s.client.Do(req)
	if err != nil {
		return 0, &attemptError{problemOf(err), err}
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return res.StatusCode, &attemptError{ProblemStatus, fmt.Errorf("the receiver answered %s", res.Status)}
	}
	return res.StatusCode, nil
}

// record writes the outcome of an attempt at c: delivered, due again
// after Backoff, or failed when out of attempts or the token lapsed.
func (s *Service) record(ctx context.Context, c claimed, status int, perr error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		n := c.Attempts + 1
		st, next, delivered, msg, problem := Delivered, int64(0), tx.Now.UnixMicro(), "", Problem("")
		if perr != nil {
			msg, delivered, problem = perr.Error(), 0, ProblemUnreachable
			var ae *attemptError
			if errors.As(perr, &ae) {
				problem = ae.problem
			}
			if len(msg) > 500 {
				msg = msg[:500]
			}
			st, next = Pending, tx.Now.Add(Backoff(n)).UnixMicro()
			if n >= MaxAttempts || c.lapsed != nil {
				st, next = Failed, 0
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_at = $3, last_at = $4,
			last_status = $5, last_problem = $6, last_error = $7, delivered_at = $8 WHERE id = $9`,
			st, n, next, tx.Now.UnixMicro(), status, problem, msg, delivered, c.ID)
		if err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		return nil
	})
}

// Run scans and delivers every interval until ctx ends, reporting errors
// to report; the server runs it.
func (s *Service) Run(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Scan(ctx); err != nil && ctx.Err() == nil {
			report(fmt.Errorf("match webhooks: %w", err))
		}
		if _, _, err := s.Deliver(ctx); err != nil && ctx.Err() == nil {
			report(fmt.Errorf("deliver webhooks: %w", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
