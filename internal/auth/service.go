package auth

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// Interface languages.
const (
	DefaultLang = "zh-CN"
	LangEnglish = "en"
)

// Service manages users, grants, sessions and API tokens. Every method
// that changes something checks the policy and records an audit event in the
// same transaction. Its exported fields may be changed before first use.
type Service struct {
	db    *db.DB
	pol   Policy
	units Units
	// namers name the objects of the audit log by object type.
	namers map[string]AuditNamer

	// IdleTimeout ends a session unused for this long.
	IdleTimeout time.Duration
	// MaxAge ends a session this long after sign-in, however busy.
	MaxAge time.Duration
	// Throttle limits failed sign-ins.
	Throttle Throttle

	dummyHash string
}

// Session lifetimes by default.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxAge      = 12 * time.Hour
)

// NewService returns a service over d deciding with pol and reading the
// units its grants name from units.
func NewService(d *db.DB, pol Policy, units Units) *Service {
	// A hash to verify against when the login does not exist, so that an
	// unknown login takes as long as a wrong password.
	dummy, err := HashPassword(GeneratePassword())
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return &Service{
		db: d, pol: pol, units: units, namers: ownNamers(),
		IdleTimeout: DefaultIdleTimeout,
		MaxAge:      DefaultMaxAge,
		Throttle:    DefaultThrottle,
		dummyHash:   dummy,
	}
}

// Policy returns the policy the service decides with.
func (s *Service) Policy() Policy { return s.pol }

// User is an account as the assessment office manages it.
type User struct {
	ID       int64
	Login    string
	Name     string
	PersonID int64
	Lang     string
	Grants   []Grant
	// CreatedAt and PasswordAt are when the account was made and its
	// password last set.
	CreatedAt, PasswordAt time.Time
	// DisabledAt is when the account was disabled, zero while it is
	// active; DisabledReason is why.
	DisabledAt     time.Time
	DisabledReason string
}

// Disabled reports whether the account is stopped.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// NewUser is an account to add.
type NewUser struct {
	Login    string
	Name     string
	Password string
	// PersonID links a cadre's account to its person record; 0 for none.
	PersonID int64
	// Grants are the roles and units; at least one. Only Role and UnitID
	// are read.
	Grants []Grant
}

// NormalizeLogin returns the stored form of a login: trimmed and lower-case.
func NormalizeLogin(login string) string {
	return strings.ToLower(strings.TrimSpace(login))
}

// checkLogin accepts 1–64 letters, digits and . _ - @.
func checkLogin(login string) error {
	n := utf8.RuneCountInString(login)
	if n == 0 || n > 64 {
		return errs.Field("login", "auth.user.login_invalid", "login must have 1 to 64 characters")
	}
	for _, r := range login {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return errs.Field("login", "auth.user.login_invalid", "login may contain only letters, digits and . _ - @")
		}
	}
	return nil
}

// Validate checks the new user's fields (not its units, which need the database).
func (u *NewUser) Validate() error {
	u.Login = NormalizeLogin(u.Login)
	u.Name = strings.TrimSpace(u.Name)
	if err := checkLogin(u.Login); err != nil {
		return err
	}
	if u.Name == "" || utf8.RuneCountInString(u.Name) > 100 {
		return errs.Field("name", "auth.user.name_invalid", "name must have 1 to 100 characters")
	}
	if err := CheckPassword(u.Password); err != nil {
		return err
	}
	if len(u.Grants) == 0 {
		return errs.Field("role", "auth.user.no_grant", "a user needs at least one role in a unit")
	}
	for _, g := range u.Grants {
		if err := checkRole(g.Role); err != nil {
			return err
		}
	}
	return nil
}

func checkRole(r Role) error {
	if !r.Valid() {
		e := errs.Field("role", "auth.grant.role_unknown", fmt.Sprintf("unknown role %q", r))
		e.Args = map[string]any{"role": string(r)}
		return e
	}
	return nil
}

// AddUser creates an account. The actor needs ActUserManage on every unit
// the new user is granted.
func (s *Service) AddUser(ctx context.Context, actor *Actor, u NewUser) (*User, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return nil, err
	}
	var out *User
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		grants, err := s.resolveGrants(ctx, tx, actor, u.Grants)
		if err != nil {
			return err
		}
		if _, err := userIDByLogin(ctx, tx, u.Login); err == nil {
			e := errs.New(errs.Conflict, "auth.user.login_taken", fmt.Sprintf("login %q is taken", u.Login))
			e.Field, e.Args = "login", map[string]any{"login": u.Login}
			return e
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		now := tx.Now.UnixMicro()
		user := &User{ID: db.NewID(), Login: u.Login, Name: u.Name, PersonID: u.PersonID,
			Lang: DefaultLang, Grants: grants, CreatedAt: tx.Now, PasswordAt: tx.Now}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, login, name, password_hash, person_id, lang, created_at, password_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
			user.ID, user.Login, user.Name, hash, nullID(user.PersonID), user.Lang, now)
		if err != nil {
			return fmt.Errorf("add user %s: %w", u.Login, err)
		}
		for _, g := range grants {
			if err := insertGrant(ctx, tx, user.ID, g); err != nil {
				return err
			}
		}
		out = user
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.create", ObjectType: "user", ObjectID: db.FormatID(user.ID),
			UnitPath: user.scopePath(), After: user.summary(),
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolveGrants checks roles, loads each unit's path and checks that the
// actor may manage users there; it drops duplicates. An actor who manages
// users nowhere is refused the kind of work (Forbidden), whatever units
// the grants name.
func (s *Service) resolveGrants(ctx context.Context, tx *db.Tx, actor *Actor, in []Grant) ([]Grant, error) {
	if err := s.pol.RequireAny(actor, ActUserManage); err != nil {
		return nil, err
	}
	var out []Grant
	seen := map[grantKey]bool{}
	for _, g := range in {
		if err := checkRole(g.Role); err != nil {
			return nil, err
		}
		g, err := s.loadGrantUnit(ctx, tx, g)
		if err != nil {
			return nil, err
		}
		if err := s.pol.Authorize(actor, ActUserManage, g.UnitPath); err != nil {
			return nil, err
		}
		key := grantKey{g.Role, g.UnitID}
		if !seen[key] {
			seen[key] = true
			out = append(out, g)
		}
	}
	return out, nil
}

type grantKey struct {
	role Role
	unit int64
}

func insertGrant(ctx context.Context, tx *db.Tx, userID int64, g Grant) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO user_grants (user_id, role, unit_id, created_at) VALUES ($1, $2, $3, $4)`,
		userID, string(g.Role), g.UnitID, tx.Now.UnixMicro())
	if err != nil {
		return fmt.Errorf("grant %s in unit %d: %w", g.Role, g.UnitID, err)
	}
	return nil
}

func unknownUnit(what string) error {
	e := errs.Field("unit_code", "auth.unit.unknown", fmt.Sprintf("unknown unit %s", what))
	e.Args = map[string]any{"unit": what}
	return e
}

// loadGrantUnit fills in the path, code and name of g's unit; an Invalid
// error names an unknown unit.
func (s *Service) loadGrantUnit(ctx context.Context, tx *db.Tx, g Grant) (Grant, error) {
	us, err := s.units.UnitRefs(ctx, tx, []int64{g.UnitID})
	if err != nil {
		return g, err
	}
	u, ok := us[g.UnitID]
	if !ok {
		return g, unknownUnit(db.FormatID(g.UnitID))
	}
	g.UnitPath, g.UnitCode, g.UnitName = u.Path, u.Code, u.Name
	return g, nil
}

// fillGrantUnits fills in the path, code and name of the grants' units
// and sorts each user's grants by unit path and role.
func (s *Service) fillGrantUnits(ctx context.Context, tx *db.Tx, users ...*User) error {
	var ids []int64
	for _, u := range users {
		for _, g := range u.Grants {
			ids = append(ids, g.UnitID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	us, err := s.units.UnitRefs(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, u := range users {
		for i := range u.Grants {
			g := &u.Grants[i]
			r := us[g.UnitID]
			g.UnitPath, g.UnitCode, g.UnitName = r.Path, r.Code, r.Name
		}
		slices.SortFunc(u.Grants, func(a, b Grant) int {
			return cmp.Or(strings.Compare(a.UnitPath, b.UnitPath), strings.Compare(string(a.Role), string(b.Role)))
		})
	}
	return nil
}

// UnitByCode returns the ID and path of the unit with code, for the command
// line; it checks no policy.
func (s *Service) UnitByCode(ctx context.Context, code string) (id int64, path string, err error) {
	err = s.db.View(ctx, func(tx *db.Tx) error {
		us, err := s.units.UnitRefsByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		switch len(us) {
		case 0:
			return unknownUnit(code)
		case 1:
			id, path = us[0].ID, us[0].Path
			return nil
		default:
			e := errs.Field("unit_code", "auth.unit.ambiguous", fmt.Sprintf("%d units have code %s", len(us), code))
			e.Args = map[string]any{"unit": code}
			return e
		}
	})
	return id, path, err
}

func userNotFound() error {
	return errs.New(errs.NotFound, "auth.user.not_found", "no such user")
}

func userIDByLogin(ctx context.Context, tx *db.Tx, login string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE login = $1`, NormalizeLogin(login)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, userNotFound()
	}
	if err != nil {
		return 0, fmt.Errorf("find user %s: %w", login, err)
	}
	return id, nil
}

// loadUser reads a user and its grants with their unit paths.
func (s *Service) loadUser(ctx context.Context, tx *db.Tx, id int64) (*User, error) {
	u := &User{ID: id}
	var person sql.NullInt64
	var created, pwAt, disabled int64
	err := tx.QueryRowContext(ctx, `SELECT login, name, person_id, lang, created_at, password_at, disabled_at, disabled_reason
		FROM users WHERE id = $1`, id).
		Scan(&u.Login, &u.Name, &person, &u.Lang, &created, &pwAt, &disabled, &u.DisabledReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", id, err)
	}
	u.PersonID = person.Int64
	u.CreatedAt, u.PasswordAt = time.UnixMicro(created).UTC(), time.UnixMicro(pwAt).UTC()
	u.DisabledAt = db.Micros(disabled)
	rs, err := tx.QueryContext(ctx, `SELECT role, unit_id FROM user_grants WHERE user_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("read grants of user %d: %w", id, err)
	}
	defer rs.Close()
	for rs.Next() {
		var g Grant
		var role string
		if err := rs.Scan(&role, &g.UnitID); err != nil {
			return nil, fmt.Errorf("read grants of user %d: %w", id, err)
		}
		g.Role = Role(role)
		u.Grants = append(u.Grants, g)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read grants of user %d: %w", id, err)
	}
	return u, s.fillGrantUnits(ctx, tx, u)
}

// Actor returns the user as an actor.
func (u *User) Actor() *Actor {
	return &Actor{UserID: u.ID, Login: u.Login, Name: u.Name, PersonID: u.PersonID,
		Grants: append([]Grant(nil), u.Grants...), Lang: u.Lang}
}

// scopePath is the unit path of the user's audit events: the lowest unit
// above all its grants.
func (u *User) scopePath() string {
	paths := make([]string, len(u.Grants))
	for i, g := range u.Grants {
		paths[i] = g.UnitPath
	}
	return CommonPath(paths)
}

// CommonPath returns the path of the lowest unit whose subtree holds every
// one of paths ("/" when they share none, or for no paths).
func CommonPath(paths []string) string {
	if len(paths) == 0 {
		return audit.GlobalPath
	}
	c := paths[0]
	for _, p := range paths[1:] {
		n := 0
		for n < len(c) && n < len(p) && c[n] == p[n] {
			n++
		}
		c = c[:n]
	}
	if i := strings.LastIndexByte(c, '/'); i >= 0 {
		return c[:i+1]
	}
	return audit.GlobalPath
}

type grantSummary struct {
	Role   Role  `json:"role"`
	UnitID int64 `json:"unit_id"`
}

type userSummary struct {
	Login    string         `json:"login"`
	Name     string         `json:"name"`
	PersonID int64          `json:"person_id,omitempty"`
	Grants   []grantSummary `json:"grants"`
}

func (u *User) summary() userSummary {
	s := userSummary{Login: u.Login, Name: u.Name, PersonID: u.PersonID, Grants: []grantSummary{}}
	for _, g := range u.Grants {
		s.Grants = append(s.Grants, grantSummary{g.Role, g.UnitID})
	}
	return s
}

// authorizeManage checks that actor may manage u: ActUserManage on the unit
// of every grant u holds, so that no one takes over an account that also
// acts above or beside their jurisdiction. NotFound when none is in sight.
func (s *Service) authorizeManage(actor *Actor, u *User) error {
	if actor != nil && actor.System {
		return nil
	}
	if len(u.Grants) == 0 {
		return s.pol.Authorize(actor, ActUserManage, audit.GlobalPath)
	}
	var firstErr error
	allHidden := true
	for _, g := range u.Grants {
		err := s.pol.Authorize(actor, ActUserManage, g.UnitPath)
		if err == nil {
			allHidden = false
			continue
		}
		if !errs.Is(err, errs.NotFound) {
			allHidden = false
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	switch {
	case firstErr == nil:
		return nil
	case allHidden:
		return userNotFound()
	default:
		return forbidden(ActUserManage)
	}
}

// manageUser loads user id within tx and checks that actor may manage it.
func (s *Service) manageUser(ctx context.Context, tx *db.Tx, actor *Actor, id int64) (*User, error) {
	u, err := s.loadUser(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeManage(actor, u); err != nil {
		return nil, err
	}
	return u, nil
}

// User returns the user id if actor may manage it.
func (s *Service) User(ctx context.Context, actor *Actor, id int64) (*User, error) {
	var u *User
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		u, err = s.manageUser(ctx, tx, actor, id)
		return err
	})
	return u, err
}

// UserByLogin returns the user with login if actor may manage it.
func (s *Service) UserByLogin(ctx context.Context, actor *Actor, login string) (*User, error) {
	var u *User
	err := s.db.View(ctx, func(tx *db.Tx) error {
		id, err := userIDByLogin(ctx, tx, login)
		if err != nil {
			return err
		}
		u, err = s.manageUser(ctx, tx, actor, id)
		return err
	})
	return u, err
}

// ListUsers returns the users actor may manage, by login.
func (s *Service) ListUsers(ctx context.Context, actor *Actor) ([]User, error) {
	var out []User
	err := s.db.View(ctx, func(tx *db.Tx) error {
		users := map[int64]*User{}
		var order []int64
		rs, err := tx.QueryContext(ctx, `SELECT id, login, name, person_id, lang, created_at, password_at, disabled_at, disabled_reason
			FROM users ORDER BY login`)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			u := &User{}
			var person sql.NullInt64
			var created, pwAt, disabled int64
			if err := rs.Scan(&u.ID, &u.Login, &u.Name, &person, &u.Lang, &created, &pwAt, &disabled, &u.DisabledReason); err != nil {
				return fmt.Errorf("list users: %w", err)
			}
			u.PersonID = person.Int64
			u.CreatedAt, u.PasswordAt = time.UnixMicro(created).UTC(), time.UnixMicro(pwAt).UTC()
			u.DisabledAt = db.Micros(disabled)
			users[u.ID] = u
			order = append(order, u.ID)
		}
		if err := rs.Err(); err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		rs.Close()
		gs, err := tx.QueryContext(ctx, `SELECT user_id, role, unit_id FROM user_grants`)
		if err != nil {
			return fmt.Errorf("list grants: %w", err)
		}
		defer gs.Close()
		for gs.Next() {
			var uid int64
			var g Grant
			var role string
			if err := gs.Scan(&uid, &role, &g.UnitID); err != nil {
				return fmt.Errorf("list grants: %w", err)
			}
			g.Role = Role(role)
			if u := users[uid]; u != nil {
				u.Grants = append(u.Grants, g)
			}
		}
		if err := gs.Err(); err != nil {
			return fmt.Errorf("list grants: %w", err)
		}
		list := make([]*User, 0, len(order))
		for _, id := range order {
			list = append(list, users[id])
		}
		if err := s.fillGrantUnits(ctx, tx, list...); err != nil {
			return err
		}
		for _, id := range order {
			if s.authorizeManage(actor, users[id]) == nil {
				out = append(out, *users[id])
			}
		}
		return nil
	})
	return out, err
}

// ResetPassword sets a new password for user id — newPassword, or a
// generated one when it is "" — and returns it. It ends the user's
// sessions and revokes its API tokens.
func (s *Service) ResetPassword(ctx context.Context, actor *Actor, id int64, newPassword string) (string, error) {
	if newPassword == "" {
		newPassword = GeneratePassword()
	}
	if err := CheckPassword(newPassword); err != nil {
		return "", err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return "", err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		n, err := setPassword(ctx, tx, id, hash)
		if err != nil {
			return err
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.password_reset", ObjectType: "user", ObjectID: db.FormatID(id),
			UnitPath: u.scopePath(), After: map[string]any{"login": u.Login, "tokens_revoked": n},
		})
	})
	if err != nil {
		return "", err
	}
	return newPassword, nil
}

// setPassword stores a new hash, ends every session and API token of the
// user and clears its failed sign-ins (their record is the audit log). It
// returns how many API tokens it revoked.
func setPassword(ctx context.Context, tx *db.Tx, id int64, hash string) (int64, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_at = $2 WHERE id = $3`,
		hash, tx.Now.UnixMicro(), id); err != nil {
		return 0, fmt.Errorf("set password: %w", err)
	}
	n, err := endCredentials(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE login = (SELECT login FROM users WHERE id = $1)`, id); err != nil {
		return 0, fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return n, nil
}

// ChangePassword changes the actor's own password; the old one is
// required, and wrong guesses count toward the sign-in throttle. Every
// session of the user ends, the caller's too: sign in again with the new
// password. The user's API tokens are revoked.
func (s *Service) ChangePassword(ctx context.Context, actor *Actor, oldPassword, newPassword string) error {
	if actor == nil || actor.UserID == 0 {
		return signedOut()
	}
	if err := CheckPassword(newPassword); err != nil {
		e := err.(*errs.Error)
		e.Field = "new_password"
		return e
	}
	var login, hash, refused string
	var at attempt
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT login, password_hash FROM users WHERE id = $1`, actor.UserID).Scan(&login, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return signedOut()
		}
		if err != nil {
			return fmt.Errorf("read user: %w", err)
		}
		at, refused, err = s.beginAttempt(ctx, tx, login, "")
		return err
	})
	if err != nil {
		return err
	}
	if refused != "" {
		return errThrottled()
	}
	if ok, _ := VerifyPassword(hash, oldPassword); !ok {
		if err := s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.failAttempt(ctx, tx, at, actor.UserID, ReasonWrongPassword)
		}); err != nil {
			return err
		}
		return errs.Field("old_password", "auth.password.wrong", "the current password is wrong")
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.loadUser(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		n, err := setPassword(ctx, tx, actor.UserID, newHash)
		if err != nil {
			return err
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.password_change", ObjectType: "user", ObjectID: db.FormatID(actor.UserID),
			UnitPath: u.scopePath(), After: map[string]any{"login": u.Login, "tokens_revoked": n},
		})
	})
}

// Grant gives user id the role g.Role in unit g.UnitID. The actor needs
// ActUserManage over the user and over the unit. Granting what the user
// already holds does nothing.
func (s *Service) Grant(ctx context.Context, actor *Actor, id int64, g Grant) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		grants, err := s.resolveGrants(ctx, tx, actor, []Grant{g})
		if err != nil {
			return err
		}
		g = grants[0]
		for _, h := range u.Grants {
			if h.Role == g.Role && h.UnitID == g.UnitID {
				return nil
			}
		}
		if err := insertGrant(ctx, tx, id, g); err != nil {
			return err
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.grant", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: g.UnitPath,
			After: map[string]any{"login": u.Login, "role": g.Role, "unit_id": g.UnitID},
		})
	})
}

// Revoke takes the role g.Role in unit g.UnitID from user id. A user's last
// grant cannot be revoked, so that every account stays in someone's
// jurisdiction.
func (s *Service) Revoke(ctx context.Context, actor *Actor, id int64, g Grant) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.manageUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		var held *Grant
		for i, h := range u.Grants {
			if h.Role == g.Role && h.UnitID == g.UnitID {
				held = &u.Grants[i]
			}
		}
		if held == nil {
			return errs.New(errs.NotFound, "auth.grant.not_found", "the user does not hold this role in this unit")
		}
		if len(u.Grants) == 1 {
			return errs.New(errs.Conflict, "auth.grant.last", "the last role of a user cannot be revoked")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_grants WHERE user_id = $1 AND role = $2 AND unit_id = $3`,
			id, string(g.Role), g.UnitID); err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.revoke", ObjectType: "user", ObjectID: db.FormatID(id), UnitPath: held.UnitPath,
			Before: map[string]any{"login": u.Login, "role": held.Role, "unit_id": held.UnitID},
		})
	})
}

// SetLanguage remembers the actor's interface language, "zh-CN" or "en",
// and sets actor.Lang.
func (s *Service) SetLanguage(ctx context.Context, actor *Actor, lang string) error {
	if actor == nil || actor.UserID == 0 {
		return signedOut()
	}
	if lang != DefaultLang && lang != LangEnglish {
		e := errs.Field("lang", "auth.lang.unknown", fmt.Sprintf("unknown language %q", lang))
		e.Args = map[string]any{"lang": lang}
		return e
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.loadUser(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		if u.Lang == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, lang, actor.UserID); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
		return Record(ctx, tx, actor, audit.Event{
			Action: "user.language", ObjectType: "user", ObjectID: db.FormatID(actor.UserID),
			UnitPath: u.scopePath(), Before: map[string]string{"lang": u.Lang}, After: map[string]string{"lang": lang},
		})
	})
	if err != nil {
		return err
	}
	actor.Lang = lang
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
