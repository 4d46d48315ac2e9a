package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Kind is what a notification tells.
type Kind string

// The kinds of notifications.
const (
	KindReportReleased Kind = "report_released" // a report was released to its owner
	KindTaskDue        Kind = "task_due"        // a task is due within ReminderDays
	KindTaskOverdue    Kind = "task_overdue"    // a task passed its deadline
	KindTaskEscalated  Kind = "task_escalated"  // to the superior unit: a task under it is overdue
	KindAppealAnswered Kind = "appeal_answered" // an appeal was answered
)

// Notification is one message of a user's inbox.
type Notification struct {
	ID, UserID int64
	Kind       Kind
	// Args fill the kind's message: names, dates, the document number.
	Args map[string]any
	// Link is the page the message points to.
	Link      string
	CreatedAt time.Time
	// Read is false until the user opened it.
	Read bool
}

// notify puts a notification of kind with args and link in the inbox of
// each of users, in the caller's transaction, and returns them for the
// outgoing channel.
func notify(ctx context.Context, tx *db.Tx, users []int64, kind Kind, args map[string]any, link string) ([]*Notification, error) {
	body, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	var out []*Notification
	for _, u := range users {
		n := &Notification{ID: db.NewID(), UserID: u, Kind: kind, Args: args, Link: link, CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, kind, args, link, created_at, read_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0)`, n.ID, u, kind, string(body), link, tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("insert notification: %w", err)
		}
		out = append(out, n)
	}
	return out, nil
}

// Inbox returns the actor's latest notifications, newest first, at most
// limit (all for 0), and how many are unread.
func (s *Service) Inbox(ctx context.Context, a *auth.Actor, limit int) ([]*Notification, int, error) {
	if err := signedIn(a); err != nil {
		return nil, 0, err
	}
	var out []*Notification
	var unread int
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at = 0`, a.UserID).Scan(&unread); err != nil {
			return fmt.Errorf("count unread: %w", err)
		}
		q := `SELECT id, kind, args, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC`
		args := []any{a.UserID}
		if limit > 0 {
			q += ` LIMIT ` + db.Arg(&args, limit)
		}
		return db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			n := &Notification{UserID: a.UserID}
			var body string
			var created, read int64
			if err := scan(&n.ID, &n.Kind, &body, &n.Link, &created, &read); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(body), &n.Args); err != nil {
				return fmt.Errorf("notification %d: %w", n.ID, err)
			}
			n.CreatedAt, n.Read = db.Micros(created), read != 0
			out = append(out, n)
			return nil
		})
	})
	return out, unread, err
}

// MarkRead marks notification id of the actor read and returns its link.
// Another user's notification is NotFound.
func (s *Service) MarkRead(ctx context.Context, a *auth.Actor, id int64) (string, error) {
	if err := signedIn(a); err != nil {
		return "", err
	}
	var link string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var read int64
		if err := tx.QueryRowContext(ctx, `SELECT link, read_at FROM notifications WHERE id = $1 AND user_id = $2`, id, a.UserID).
			Scan(&link, &read); err != nil {
			return notFound("notification")
		}
		if read != 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2`, tx.Now.UnixMicro(), id)
		return err
	})
	return link, err
}

// send passes notifications to the outgoing channel, after their
// transaction committed; a failure is the channel's to log, never the
// action's.
func (s *Service) send(ctx context.Context, ns []*Notification) {
	if s.out == nil || len(ns) == 0 {
		return
	}
	var logins map[int64]auth.UserName
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.UserID
	}
	_ = s.db.View(ctx, func(tx *db.Tx) (err error) {
		logins, err = auth.UserNames(ctx, tx, ids)
		return err
	})
	for _, n := range ns {
		m := Message{Login: logins[n.UserID].Login, Name: logins[n.UserID].Name, Kind: n.Kind, Link: n.Link}
		if s.word != nil {
			m.Text = s.word(n.Kind, n.Args)
		}
		if err := s.out.Send(ctx, m); err != nil {
			slog.WarnContext(ctx, "notification not sent", "user", m.Login, "kind", m.Kind, "err", err)
		}
	}
}
