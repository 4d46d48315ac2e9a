package auth

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// MaxReasonLen is the longest reason, in characters, for stopping or
// restarting an account.
const MaxReasonLen = 500

// Error keys of account control.
const (
	KeyUserDisabled = "auth.user.disabled"
	KeyReasonNeeded = "auth.user.reason_required"
)

func errDisabled() error {
	return errs.New(errs.Unauthorized, KeyUserDisabled, "the account is disabled; ask the assessment office")
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxReasonLen {
		e := errs.Field("reason", KeyReasonNeeded, fmt.Sprintf("give a reason of 1 to %d characters", MaxReasonLen))
		e.Args = map[string]any{"max": MaxReasonLen}
		return "", e
	}
	return reason, nil
}

// DisableUser stops account id at once: it cannot sign in, its sessions
// end and its API tokens are revoked (re-enabling brings none back). The
// actor needs ActUserManage over every grant of the user, and a reason;
// no one disables their own account. Disabling a disabled account does
// nothing.
func (s *Service) DisableUser(ctx context.Context, actor *Actor, id int64, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if actor.UserID == id {
			return errs.New(errs.Conflict, "auth.user.disable_self", "you cannot disable your own account")
		}
		if u.Disabled() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1, disabled_reason = $2 WHERE id = $3`,
			tx.Now.UnixMicro(), reason, id); err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		n, err := endCredentials(ctx, tx, id)
		if err != nil {
			return err
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.disable", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
			Before: map[string]any{"login": u.Login, "disabled": false},
			After:  map[string]any{"login": u.Login, "disabled": true, "tokens_revoked": n},
			Reason: reason,
		})
	})
}

// EnableUser lets a disabled account sign in again, with a reason; it
// checks the policy as DisableUser does. Enabling an active account does
// nothing.
func (s *Service) EnableUser(ctx context.Context, actor *Actor, id int64, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !u.Disabled() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = 0, disabled_reason = '' WHERE id = $1`, id); err != nil {
			return fmt.Errorf("enable user: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.enable", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
			Before: map[string]any{"login": u.Login, "disabled": true, "reason": u.DisabledReason},
			After:  map[string]any{"login": u.Login, "disabled": false},
			Reason: reason,
		})
	})
}

// endCredentials ends every session and revokes every API token of user
// id; it returns how many tokens it revoked.
func endCredentials(ctx context.Context, tx *db.Tx, id int64) (int64, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, id)
	if err != nil {
		return 0, fmt.Errorf("revoke API tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke API tokens: %w", err)
	}
	return n, nil
}

// UserAPITokens lists the API tokens of user id: the actor's own, or
// those of a user the actor may manage.
func (s *Service) UserAPITokens(ctx context.Context, actor *Actor, id int64) ([]APIToken, error) {
	if actor == nil || (actor.UserID == 0 && !actor.System) {
		return nil, signedOut()
	}
	var out []APIToken
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if id != actor.UserID {
			if _, err := s.manageUser(ctx, tx, actor, id); err != nil {
				return err
			}
		}
		var err error
		out, err = listTokens(ctx, tx, id)
		return err
	})
	return out, err
}

func listTokens(ctx context.Context, tx *db.Tx, userID int64) ([]APIToken, error) {
	return queryTokens(ctx, tx, `user_id = $1`, userID)
}

// queryTokens lists the API tokens the condition where (with arg as $1)
// picks, oldest first.
func queryTokens(ctx context.Context, tx *db.Tx, where string, arg any) ([]APIToken, error) {
	rs, err := tx.QueryContext(ctx, `SELECT id, user_id, name, created_at, expires_at, last_used_at, share_unit_id, share_system, share_results, share_items
		FROM api_tokens WHERE `+where+` ORDER BY created_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rs.Close()
	var out []APIToken
	for rs.Next() {
		var t APIToken
		var created, expires, used int64
		var sh Share
		var items string
		if err := rs.Scan(&t.ID, &t.UserID, &t.Name, &created, &expires, &used, &sh.UnitID, &sh.System, &sh.Results, &items); err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		if sh.UnitID != 0 {
			sh.TokenID = t.ID
			if items != "" {
				sh.Items = strings.Split(items, ",")
			}
			t.Share = &sh
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt = db.Micros(created), db.Micros(expires), db.Micros(used)
		out = append(out, t)
	}
	return out, rs.Err()
}

// UnlockUser lifts the lock of an account locked by failed sign-ins from
// many addresses, with a reason: the failures are forgotten (their record
// is the audit log). It checks the policy as DisableUser does.
func (s *Service) UnlockUser(ctx context.Context, actor *Actor, id int64, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE login = $1`, u.Login)
		if err != nil {
			return fmt.Errorf("unlock user: %w", err)
		}
		n, _ := res.RowsAffected()
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.unlock", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
			After: map[string]any{"login": u.Login, "failures_cleared": n}, Reason: reason,
		})
	})
}

// LockedLogins returns the logins that failed sign-ins from many addresses
// have locked (Throttle.PerLogin within the window), for the user list of
// an actor who manages users.
func (s *Service) LockedLogins(ctx context.Context, actor *Actor) (map[string]bool, error) {
	if actor == nil || s.pol.Scope(actor, ActUserManage).Empty() {
		return nil, errs.NoSuch("user")
	}
	out := map[string]bool{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT login FROM signin_failures WHERE at > $1 GROUP BY login HAVING COUNT(*) >= $2`,
			tx.Now.Add(-s.Throttle.Window).UnixMicro(), s.Throttle.PerLogin)
		if err != nil {
			return fmt.Errorf("read locked accounts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var login string
			if err := rows.Scan(&login); err != nil {
				return err
			}
			out[login] = true
		}
		return rows.Err()
	})
	return out, err
}
