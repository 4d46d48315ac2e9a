package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Throttle limits failed sign-ins within a sliding window: an account with
// PerLogin failures, or an address with PerAddr, is refused until the oldest
// failure leaves the window.
type Throttle struct {
	Window   time.Duration
	PerLogin int
	PerAddr  int
}

// DefaultThrottle allows 5 failures per account and 20 per address in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerLogin: 5, PerAddr: 20}

// touchEvery is how stale last_seen_at may get before a request updates it,
// so that not every request writes.
const touchEvery = time.Minute

// Error keys of signing in.
const (
	KeySignInFailed    = "auth.signin.failed"
	KeySignInThrottled = "auth.signin.throttled"
	KeySessionExpired  = "auth.session.expired"
)

func errSignInFailed() error {
	return errs.New(errs.Unauthorized, KeySignInFailed, "wrong login or password")
}

func errThrottled() error {
	return errs.New(errs.Unauthorized, KeySignInThrottled, "too many failed sign-ins; try again later")
}

func errExpired() error {
	return errs.New(errs.Unauthorized, KeySessionExpired, "the session has expired; sign in again")
}

// newToken returns a random 32-byte token, base64url without padding, and
// the hex SHA-256 under which it is stored.
func newToken(prefix string) (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// host strips the port from a remote address ("1.2.3.4:5678" → "1.2.3.4").
func host(remoteAddr string) string {
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return h
	}
	return remoteAddr
}

// throttled reports whether login or addr ("" for none) has used up its
// failures in the window.
func (s *Service) throttled(ctx context.Context, tx *db.Tx, login, addr string) (bool, error) {
	since := tx.Now.Add(-s.Throttle.Window).UnixMicro()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE login = $1 AND at > $2`, login, since).Scan(&n); err != nil {
		return false, fmt.Errorf("count failed sign-ins: %w", err)
	}
	if n >= s.Throttle.PerLogin {
		return true, nil
	}
	if addr == "" {
		return false, nil
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE addr = $1 AND at > $2`, addr, since).Scan(&n); err != nil {
		return false, fmt.Errorf("count failed sign-ins: %w", err)
	}
	return n >= s.Throttle.PerAddr, nil
}

// recordFailure counts a failed sign-in and forgets those out of the window.
func (s *Service) recordFailure(ctx context.Context, tx *db.Tx, login, addr string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE at <= $1`,
		tx.Now.Add(-s.Throttle.Window).UnixMicro()); err != nil {
		return fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (id, login, addr, at) VALUES ($1, $2, $3, $4)`,
		db.NewID(), login, addr, tx.Now.UnixMicro()); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// SignIn checks login and password and starts a session: it returns a new
// random token (the caller sets it as a cookie) and the actor. A wrong
// login or password answers KeySignInFailed; too many failures for the
// login or remoteAddr answer KeySignInThrottled whether or not the password
// is right, and whether or not the account exists.
func (s *Service) SignIn(ctx context.Context, login, password, remoteAddr string) (string, *Actor, error) {
	login = NormalizeLogin(login)
	addr := host(remoteAddr)
	var id int64
	var hash string
	var throttled bool
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if throttled, err = s.throttled(ctx, tx, login, addr); err != nil || throttled {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT id, password_hash FROM users WHERE login = $1`, login).Scan(&id, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			id, hash = 0, s.dummyHash
			return nil
		}
		if err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if throttled {
		return "", nil, errThrottled()
	}
	// The hash is checked outside any transaction: it takes tens of
	// milliseconds and must not hold SQLite's write lock.
	ok, _ := VerifyPassword(hash, password)
	if !ok || id == 0 {
		if err := s.db.InTx(ctx, func(tx *db.Tx) error { return s.recordFailure(ctx, tx, login, addr) }); err != nil {
			return "", nil, err
		}
		return "", nil, errSignInFailed()
	}
	token, th := newToken("")
	var actor *Actor
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := tx.Now.UnixMicro()
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE login = $1`, login); err != nil {
			return fmt.Errorf("clear failed sign-ins: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
			now, tx.Now.Add(-s.IdleTimeout).UnixMicro()); err != nil {
			return fmt.Errorf("end expired sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, remote_addr)
			VALUES ($1, $2, $3, $3, $4, $5)`, th, id, now, tx.Now.Add(s.MaxAge).UnixMicro(), addr); err != nil {
			return fmt.Errorf("start session: %w", err)
		}
		u, err := s.loadUser(ctx, tx, id)
		if err != nil {
			return err
		}
		actor = u.Actor()
		return Record(ctx, tx, actor, audit.Event{
			Action: "session.signin", ObjectType: "user", ObjectID: db.FormatID(id),
			UnitPath: u.scopePath(), After: map[string]string{"addr": addr},
		})
	})
	if err != nil {
		return "", nil, err
	}
	return token, actor, nil
}

// SignOut ends the session of token. An unknown token is not an error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, tokenHash(token)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
		u, err := s.loadUser(ctx, tx, id)
		if err != nil {
			return err
		}
		return Record(ctx, tx, u.Actor(), audit.Event{
			Action: "session.signout", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
		})
	})
}

// ActorForSession returns the actor of a session token, or an Unauthorized
// error when the token is unknown, idle too long or too old (the session is
// then deleted).
func (s *Service) ActorForSession(ctx context.Context, token string) (*Actor, error) {
	th := tokenHash(token)
	var actor *Actor
	var expired, touch bool
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var id, lastSeen, expires int64
		err := tx.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`, th).
			Scan(&id, &lastSeen, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return signedOut()
		}
		if err != nil {
			return fmt.Errorf("read session: %w", err)
		}
		now := tx.Now.UnixMicro()
		if now >= expires || now-lastSeen >= s.IdleTimeout.Microseconds() {
			expired = true
			return nil
		}
		touch = now-lastSeen >= touchEvery.Microseconds()
		u, err := s.loadUser(ctx, tx, id)
		if err != nil {
			return err
		}
		actor = u.Actor()
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case expired:
		if err := s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th)
			return err
		}); err != nil {
			return nil, fmt.Errorf("end expired session: %w", err)
		}
		return nil, errExpired()
	case touch:
		if err := s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, tx.Now.UnixMicro(), th)
			return err
		}); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return actor, nil
}

// APIToken describes a token for machine clients; the token itself is shown
// once, when it is created, and stored only as its hash.
type APIToken struct {
	ID     int64
	UserID int64
	Name   string
	// ExpiresAt is zero for a token that does not expire.
	CreatedAt, ExpiresAt, LastUsedAt time.Time
}

// APITokenPrefix starts every API token, so that leaked tokens are easy to
// recognise.
const APITokenPrefix = "kaohe_"

// CreateAPIToken makes an API token that acts as the actor's user, with
// the user's grants at the time of each request. ttl ≤ 0 makes a token that
// does not expire. It returns the token, shown only this once.
func (s *Service) CreateAPIToken(ctx context.Context, actor *Actor, name string, ttl time.Duration) (APIToken, string, error) {
	if actor == nil || actor.UserID == 0 {
		return APIToken{}, "", signedOut()
	}
	if name == "" || len(name) > 100 {
		return APIToken{}, "", errs.Field("name", "auth.token.name_invalid", "a token needs a name of 1 to 100 characters")
	}
	token, th := newToken(APITokenPrefix)
	t := APIToken{ID: db.NewID(), UserID: actor.UserID, Name: name}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.loadUser(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		t.CreatedAt = tx.Now
		var expires int64
		if ttl > 0 {
			t.ExpiresAt = tx.Now.Add(ttl)
			expires = t.ExpiresAt.UnixMicro()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0)`, t.ID, t.UserID, name, th, tx.Now.UnixMicro(), expires); err != nil {
			return fmt.Errorf("create API token: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "token.create", ObjectType: "api_token", ObjectID: db.FormatID(t.ID), UnitPath: u.scopePath(),
			After: map[string]any{"name": name, "user_id": t.UserID, "expires_at": expires},
		})
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, token, nil
}

// APITokens lists the actor's own API tokens.
func (s *Service) APITokens(ctx context.Context, actor *Actor) ([]APIToken, error) {
	if actor == nil || actor.UserID == 0 {
		return nil, signedOut()
	}
	var out []APIToken
	err := s.db.View(ctx, func(tx *db.Tx) error {
		rs, err := tx.QueryContext(ctx, `SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens
			WHERE user_id = $1 ORDER BY created_at, id`, actor.UserID)
		if err != nil {
			return fmt.Errorf("list API tokens: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			t := APIToken{UserID: actor.UserID}
			var created, expires, used int64
			if err := rs.Scan(&t.ID, &t.Name, &created, &expires, &used); err != nil {
				return fmt.Errorf("list API tokens: %w", err)
			}
			t.CreatedAt, t.ExpiresAt, t.LastUsedAt = db.Micros(created), db.Micros(expires), db.Micros(used)
			out = append(out, t)
		}
		return rs.Err()
	})
	return out, err
}

// RevokeAPIToken deletes one of the actor's API tokens; the system may
// revoke anyone's.
func (s *Service) RevokeAPIToken(ctx context.Context, actor *Actor, id int64) error {
	if actor == nil || (actor.UserID == 0 && !actor.System) {
		return signedOut()
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var owner int64
		var name string
		err := tx.QueryRowContext(ctx, `SELECT user_id, name FROM api_tokens WHERE id = $1`, id).Scan(&owner, &name)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != actor.UserID && !actor.System) {
			return errs.New(errs.NotFound, "auth.token.not_found", "no such API token")
		}
		if err != nil {
			return fmt.Errorf("revoke API token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id); err != nil {
			return fmt.Errorf("revoke API token: %w", err)
		}
		u, err := s.loadUser(ctx, tx, owner)
		if err != nil {
			return err
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "token.revoke", ObjectType: "api_token", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
			Before: map[string]any{"name": name, "user_id": owner},
		})
	})
}

// ActorForAPIToken returns the actor of an API token (the value after
// "Authorization: Bearer "), or Unauthorized when the token is unknown or
// expired.
func (s *Service) ActorForAPIToken(ctx context.Context, token string) (*Actor, error) {
	th := tokenHash(token)
	var actor *Actor
	var id int64
	var touch bool
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var user, expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT id, user_id, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1`, th).
			Scan(&id, &user, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return signedOut()
		}
		if err != nil {
			return fmt.Errorf("read API token: %w", err)
		}
		now := tx.Now.UnixMicro()
		if expires != 0 && now >= expires {
			return errs.New(errs.Unauthorized, "auth.token.expired", "the API token has expired")
		}
		touch = now-used >= touchEvery.Microseconds()
		u, err := s.loadUser(ctx, tx, user)
		if err != nil {
			return err
		}
		actor = u.Actor()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if touch {
		if err := s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, tx.Now.UnixMicro(), id)
			return err
		}); err != nil {
			return nil, fmt.Errorf("touch API token: %w", err)
		}
	}
	return actor, nil
}
