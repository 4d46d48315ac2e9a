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
	"hash/fnv"
	"net"
	"slices"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Throttle limits failed sign-ins within a sliding window, narrowest
// first, so that guessing from one address cannot lock a user out
// everywhere: PerPair failures of one login from one address refuse that
// address for that login only; PerAddr failures from an address, over any
// logins, refuse the address; PerLogin failures of a login from any
// addresses — guessing spread over many — lock the account, which the
// user is told and an administrator can lift (Unlock). Each lasts until
// its oldest failure leaves the window.
type Throttle struct {
	Window   time.Duration
	PerPair  int
	PerAddr  int
	PerLogin int
}

// DefaultThrottle allows, in 15 minutes, 5 failures of a login from one
// address, 20 from an address and 50 of a login.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerPair: 5, PerAddr: 20, PerLogin: 50}

// touchEvery is how stale last_seen_at may get before a request updates it,
// so that not every request writes.
const touchEvery = time.Minute

// Error keys of signing in.
const (
	KeySignInFailed    = "auth.signin.failed"
	KeySignInThrottled = "auth.signin.throttled"
	// KeySignInLocked refuses an account locked by guessing from many
	// addresses: an administrator can lift it.
	KeySignInLocked   = "auth.signin.locked"
	KeySessionExpired = "auth.session.expired"
)

func errSignInFailed() error {
	return errs.New(errs.Unauthorized, KeySignInFailed, "wrong login or password")
}

func errLocked() error {
	return errs.New(errs.Unauthorized, KeySignInLocked, "the account is locked after failed sign-ins from many addresses; an administrator can unlock it")
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

// Reasons of a failed or refused sign-in, as the audit log records them.
const (
	ReasonWrongPassword = "wrong_password"
	ReasonUnknownLogin  = "unknown_login"
	ReasonLoginLocked   = "login_locked"
	ReasonAddrLocked    = "addr_locked"
	ReasonPairLocked    = "login_addr_locked"
	ReasonDisabled      = "disabled"
)

// attempt is a sign-in attempt already counted against the throttle as a
// failure, before its password is checked.
type attempt struct {
	id          int64
	login, addr string
	// locks is what the attempt locks out if it fails: ReasonLoginLocked,
	// ReasonAddrLocked, ReasonPairLocked, or "" when it leaves room for
	// more.
	locks string
}

// lockThrottle makes concurrent attempts for the same login or address
// take turns within their transactions. SQLite serialises writers anyway
// (_txlock=immediate); PostgreSQL takes a transaction-scoped advisory lock
// per key, in a fixed order so that two attempts never wait on each other.
func lockThrottle(ctx context.Context, tx *db.Tx, keys ...string) error {
	if tx.Engine != db.Postgres {
		return nil
	}
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		h := fnv.New64a()
		h.Write([]byte("kaohe.signin\x00" + k))
		ids = append(ids, int64(h.Sum64()))
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, id); err != nil {
			return fmt.Errorf("lock sign-in throttle: %w", err)
		}
	}
	return nil
}

// throttleCheck is one limit of the throttle: the failures query counts
// against limit, and reason names the lock.
type throttleCheck struct {
	limit  int
	reason string
	query  string
	args   []any
}

// beginAttempt counts the failures of login and of addr ("" for none)
// within the window and, when neither has used up its allowance, records
// this attempt as a pending failure: the check and the record in one
// transaction, so that however many attempts arrive at once, no more than
// the limit get their password checked. It answers the reason when the
// attempt is refused.
func (s *Service) beginAttempt(ctx context.Context, tx *db.Tx, login, addr string) (attempt, string, error) {
	a := attempt{login: login, addr: addr}
	keys := []string{"login:" + login}
	if addr != "" {
		keys = append(keys, "addr:"+addr)
	}
	if err := lockThrottle(ctx, tx, keys...); err != nil {
		return a, "", err
	}
	since := tx.Now.Add(-s.Throttle.Window).UnixMicro()
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE at <= $1`, since); err != nil {
		return a, "", fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	// The widest lock first: a locked account is refused from every
	// address; then the address; then this login from this address.
	checks := []throttleCheck{{s.Throttle.PerLogin, ReasonLoginLocked,
		`SELECT COUNT(*) FROM signin_failures WHERE login = $1 AND at > $2`, []any{login, since}}}
	if addr != "" {
		checks = append(checks, throttleCheck{s.Throttle.PerAddr, ReasonAddrLocked,
			`SELECT COUNT(*) FROM signin_failures WHERE addr = $1 AND at > $2`, []any{addr, since}})
	}
	// Without an address (a signed-in user's password change) the pair is
	// the login alone.
	checks = append(checks, throttleCheck{s.Throttle.PerPair, ReasonPairLocked,
		`SELECT COUNT(*) FROM signin_failures WHERE login = $1 AND addr = $2 AND at > $3`, []any{login, addr, since}})
	for _, c := range checks {
		var n int
		if err := tx.QueryRowContext(ctx, c.query, c.args...).Scan(&n); err != nil {
			return a, "", fmt.Errorf("count failed sign-ins: %w", err)
		}
		if n >= c.limit {
			return a, c.reason, nil
		}
		if n+1 == c.limit && a.locks == "" {
			a.locks = c.reason
		}
	}
	a.id = db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (id, login, addr, at, pending) VALUES ($1, $2, $3, $4, $5)`,
		a.id, login, addr, tx.Now.UnixMicro(), true); err != nil {
		return a, "", fmt.Errorf("record sign-in attempt: %w", err)
	}
	return a, "", nil
}

// failAttempt settles a as a failure and records it in the audit log with
// its reason — and, when it used up the allowance, the lock-out too.
// userID is the account tried, 0 when the login is unknown.
func (s *Service) failAttempt(ctx context.Context, tx *db.Tx, a attempt, userID int64, reason string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE signin_failures SET pending = $1 WHERE id = $2`, false, a.id); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	objectID, path := "", audit.GlobalPath
	if userID != 0 {
		u, err := s.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		objectID, path = db.FormatID(userID), u.scopePath()
	}
	who := SystemActor("signin")
	detail := map[string]string{"login": a.login, "addr": a.addr, "reason": reason}
	if err := Record(ctx, tx, who, audit.Event{
		Action: "signin.fail", ObjectType: "user", ObjectID: objectID, UnitPath: path, After: detail,
	}); err != nil {
		return err
	}
	if a.locks == "" {
		return nil
	}
	return Record(ctx, tx, who, audit.Event{
		Action: "signin.lockout", ObjectType: "user", ObjectID: objectID, UnitPath: path,
		After: map[string]any{"login": a.login, "addr": a.addr, "reason": a.locks,
			"until": tx.Now.Add(s.Throttle.Window).UnixMicro()},
	})
}

// succeedAttempt forgets a and the settled failures of its login from its
// address: the failures' record is the audit log, and the count starts
// again there. Failures from other addresses keep counting — a user
// signing in at the office does not give someone guessing elsewhere a
// fresh allowance — and so do attempts still being checked.
func succeedAttempt(ctx context.Context, tx *db.Tx, a attempt) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE id = $1 OR (login = $2 AND addr = $3 AND pending = $4)`,
		a.id, a.login, a.addr, false); err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}

// SignIn checks login and password and starts a session: it returns a new
// random token (the caller sets it as a cookie) and the actor. A wrong
// login or password answers KeySignInFailed; too many failures for the
// login or remoteAddr answer KeySignInThrottled whether or not the password
// is right, and whether or not the account exists. Failures and lock-outs
// are audited with the login, the address and the reason.
func (s *Service) SignIn(ctx context.Context, login, password, remoteAddr string) (string, *Actor, error) {
	login = NormalizeLogin(login)
	addr := host(remoteAddr)
	var id, disabled int64
	var hash, refused string
	var at attempt
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if at, refused, err = s.beginAttempt(ctx, tx, login, addr); err != nil || refused != "" {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE login = $1`, login).
			Scan(&id, &hash, &disabled)
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
	if refused == ReasonLoginLocked {
		return "", nil, errLocked()
	}
	if refused != "" {
		return "", nil, errThrottled()
	}
	// The hash is checked outside any transaction: it takes tens of
	// milliseconds and must not hold SQLite's write lock. The attempt
	// already counts as a failure.
	ok, _ := VerifyPassword(hash, password)
	if !ok || id == 0 {
		reason := ReasonWrongPassword
		if id == 0 {
			reason = ReasonUnknownLogin
		}
		if err := s.db.InTx(ctx, func(tx *db.Tx) error { return s.failAttempt(ctx, tx, at, id, reason) }); err != nil {
			return "", nil, err
		}
		return "", nil, errSignInFailed()
	}
	if disabled != 0 {
		// The right password of a stopped account is no guess: it does
		// not count toward the throttle, but it is audited.
		if err := s.db.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE id = $1`, at.id); err != nil {
				return fmt.Errorf("clear sign-in attempt: %w", err)
			}
			return s.failAttempt(ctx, tx, attempt{login: login, addr: addr}, id, ReasonDisabled)
		}); err != nil {
			return "", nil, err
		}
		return "", nil, errDisabled()
	}
	token, th := newToken("")
	var actor *Actor
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := tx.Now.UnixMicro()
		if err := succeedAttempt(ctx, tx, at); err != nil {
			return err
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
		if u.Disabled() {
			return errDisabled() // disabled while the password was checked
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
		if u.Disabled() {
			expired = true // disabling deletes sessions; this one raced it
			return nil
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

	// Share is the scope of a sharing token, nil for an ordinary one.
	Share *Share
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
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		if out, err = listTokens(ctx, tx, actor.UserID); err != nil {
			return err
		}
		return s.fillShareUnits(ctx, tx, out)
	})
	return out, err
}

// RevokeAPIToken deletes an API token: one of the actor's own, or one of
// a user the actor may manage (ActUserManage over all the user's grants);
// the system may revoke anyone's. Any other token is not found.
func (s *Service) RevokeAPIToken(ctx context.Context, actor *Actor, id int64) error {
	if actor == nil || (actor.UserID == 0 && !actor.System) {
		return signedOut()
	}
	notFound := errs.New(errs.NotFound, "auth.token.not_found", "no such API token")
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var owner int64
		var name string
		err := tx.QueryRowContext(ctx, `SELECT user_id, name FROM api_tokens WHERE id = $1`, id).Scan(&owner, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("revoke API token: %w", err)
		}
		u, err := s.loadUser(ctx, tx, owner)
		if err != nil {
			return err
		}
		if owner != actor.UserID && s.authorizeManage(actor, u) != nil {
			return notFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id); err != nil {
			return fmt.Errorf("revoke API token: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "token.revoke", ObjectType: "api_token", ObjectID: db.FormatID(id), UnitPath: u.scopePath(),
			Before: map[string]any{"name": name, "user_id": owner},
		})
	})
}

// tokenActor returns the actor of the API token the condition where
// (on api_tokens, with arg as $1) picks, its id and when it was last used;
// Unauthorized when there is none, it has expired, its user is disabled
// or, for a sharing token, its owner no longer manages its subtree.
func (s *Service) tokenActor(ctx context.Context, tx *db.Tx, where string, arg any) (*Actor, int64, int64, error) {
	var id, user, expires, used int64
	var sh Share
	var items string
	err := tx.QueryRowContext(ctx, `SELECT id, user_id, expires_at, last_used_at, share_unit_id, share_system, share_results, share_items
		FROM api_tokens WHERE `+where, arg).
		Scan(&id, &user, &expires, &used, &sh.UnitID, &sh.System, &sh.Results, &items)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, 0, signedOut()
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read API token: %w", err)
	}
	if expires != 0 && tx.Now.UnixMicro() >= expires {
		return nil, 0, 0, errs.New(errs.Unauthorized, "auth.token.expired", "the API token has expired")
	}
	u, err := s.loadUser(ctx, tx, user)
	if err != nil {
		return nil, 0, 0, err
	}
	if u.Disabled() {
		return nil, 0, 0, errDisabled()
	}
	if sh.UnitID == 0 {
		return u.Actor(), id, used, nil
	}
	sh.TokenID = id
	if items != "" {
		sh.Items = strings.Split(items, ",")
	}
	a, err := s.shareActor(ctx, tx, u, &sh)
	return a, id, used, err
}

// ActorForAPIToken returns the actor of an API token (the value after
// "Authorization: Bearer "), or Unauthorized when the token is unknown or
// expired.
func (s *Service) ActorForAPIToken(ctx context.Context, token string) (*Actor, error) {
	var actor *Actor
	var id int64
	var touch bool
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var used int64
		var err error
		actor, id, used, err = s.tokenActor(ctx, tx, `token_hash = $1`, tokenHash(token))
		touch = tx.Now.UnixMicro()-used >= touchEvery.Microseconds()
		return err
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
