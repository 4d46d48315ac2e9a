package auth_test

import (
	"context"
	"kaohe/internal/org"
	"strconv"
	"strings"
	"testing"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// Units of the tests: a city (2) with two counties (3, 4); county 3 has a
// township (5). Person 77 works in county 3.
const (
	cityID, countyID, siblingID, townshipID = 2, 3, 4, 5
	personID                                = 77
)

type fixture struct {
	d     *db.DB
	svc   *auth.Service
	clock *dbtest.Clock
	sys   *auth.Actor
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := dbtest.NewClock()
	d.Clock = clock.Now
	units := []struct {
		id, parent  int64
		path, code  string
		name, level string
	}{
		{1, 0, "/1/", "P", "省", "province"},
		{cityID, 1, "/1/2/", "C", "市", "city"},
		{countyID, cityID, "/1/2/3/", "X", "甲县", "county"},
		{siblingID, cityID, "/1/2/4/", "Y", "乙县", "county"},
		{townshipID, countyID, "/1/2/3/5/", "T", "镇", "township"},
	}
	for _, u := range units {
		var parent any
		if u.parent != 0 {
			parent = u.parent
		}
		if _, err := d.SQL.ExecContext(ctx, `INSERT INTO units (id, parent_id, path, code, name, kind, level, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'region', $6, 0, 0)`, u.id, parent, u.path, u.code, u.name, u.level); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO people (id, name, gender, birth_date, ethnicity, party, education, unit_id, created_at, updated_at)
		VALUES ($1, '张三', 'male', '1975-01-01', '汉族', '中共党员', '大学', $2, 0, 0)`, personID, countyID); err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
	return &fixture{d: d, svc: svc, clock: clock, sys: auth.SystemActor("test")}
}

const pw = "correct horse battery"

func (f *fixture) add(t *testing.T, login string, grants ...auth.Grant) *auth.User {
	t.Helper()
	u, err := f.svc.AddUser(context.Background(), f.sys, auth.NewUser{Login: login, Name: login, Password: pw, Grants: grants})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func g(role auth.Role, unit int64) auth.Grant { return auth.Grant{Role: role, UnitID: unit} }

func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Errorf("%s: got %v (%q), want %s", what, err, got, code)
	}
}

func wantKey(t *testing.T, what string, err error, key string) {
	t.Helper()
	e, ok := err.(*errs.Error)
	if !ok || e.Key != key {
		t.Errorf("%s: got %v, want key %s", what, err, key)
	}
}

func verifyAudit(t *testing.T, d *db.DB, minRows int64) {
	t.Helper()
	rows, err := audit.Verify(context.Background(), d)
	if err != nil || rows < minRows {
		t.Errorf("audit: got %d rows, %v; want at least %d, nil", rows, err, minRows)
	}
}

func TestUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		cityOffice := f.add(t, "city.office", g(auth.RoleOffice, cityID)).Actor()
		countyOffice := f.add(t, "County.Office ", g(auth.RoleOffice, countyID)).Actor()
		if countyOffice.Login != "county.office" {
			t.Errorf("login: got %q, want it trimmed and lower-case", countyOffice.Login)
		}
		countyOffice, _ = actorOf(t, f, "county.office")
		if len(countyOffice.Grants) != 1 || countyOffice.Grants[0].UnitPath != "/1/2/3/" || countyOffice.Grants[0].UnitCode != "X" {
			t.Fatalf("grants: got %+v, want office in /1/2/3/ (X)", countyOffice.Grants)
		}
		team := f.add(t, "team", g(auth.RoleTeam, countyID)).Actor()

		// The county office adds users in its subtree only.
		_, err := f.svc.AddUser(ctx, countyOffice, auth.NewUser{Login: "prov", Name: "统计局", Password: pw,
			Grants: []auth.Grant{g(auth.RoleProvider, townshipID)}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddUser(ctx, countyOffice, auth.NewUser{Login: "other", Name: "x", Password: pw,
			Grants: []auth.Grant{g(auth.RoleViewer, siblingID)}})
		wantCode(t, "county office adding in the sibling county", err, errs.NotFound)
		_, err = f.svc.AddUser(ctx, team, auth.NewUser{Login: "other", Name: "x", Password: pw,
			Grants: []auth.Grant{g(auth.RoleViewer, countyID)}})
		wantCode(t, "team adding a user", err, errs.Forbidden)
		_, err = f.svc.AddUser(ctx, f.sys, auth.NewUser{Login: "prov", Name: "x", Password: pw,
			Grants: []auth.Grant{g(auth.RoleViewer, countyID)}})
		wantCode(t, "taken login", err, errs.Conflict)
		bad := []auth.NewUser{
			{Login: "", Name: "x", Password: pw, Grants: []auth.Grant{g(auth.RoleViewer, countyID)}},
			{Login: "a b", Name: "x", Password: pw, Grants: []auth.Grant{g(auth.RoleViewer, countyID)}},
			{Login: "system:x", Name: "x", Password: pw, Grants: []auth.Grant{g(auth.RoleViewer, countyID)}},
			{Login: "ok", Name: " ", Password: pw, Grants: []auth.Grant{g(auth.RoleViewer, countyID)}},
			{Login: "ok", Name: "x", Password: "short", Grants: []auth.Grant{g(auth.RoleViewer, countyID)}},
			{Login: "ok", Name: "x", Password: pw},
			{Login: "ok", Name: "x", Password: pw, Grants: []auth.Grant{g("rater", countyID)}},
			{Login: "ok", Name: "x", Password: pw, Grants: []auth.Grant{g(auth.RoleViewer, 999)}},
		}
		for _, u := range bad {
			_, err := f.svc.AddUser(ctx, f.sys, u)
			wantCode(t, "bad user "+u.Login+"/"+u.Name, err, errs.Invalid)
		}

		// Both: a user with grants in and beside the county office's subtree.
		both := f.add(t, "both", g(auth.RoleViewer, countyID), g(auth.RoleViewer, siblingID))
		city := f.add(t, "cityviewer", g(auth.RoleViewer, cityID))

		logins := func(a *auth.Actor) string {
			us, err := f.svc.ListUsers(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var ls []string
			for _, u := range us {
				ls = append(ls, u.Login)
			}
			return strings.Join(ls, " ")
		}
		if got, want := logins(countyOffice), "county.office prov team"; got != want {
			t.Errorf("county office lists %q, want %q", got, want)
		}
		if got, want := logins(cityOffice), "both city.office cityviewer county.office prov team"; got != want {
			t.Errorf("city office lists %q, want %q", got, want)
		}
		if got := logins(team); got != "" {
			t.Errorf("team lists %q, want none", got)
		}

		// Managing a user needs every one of its grants in scope.
		_, err = f.svc.ResetPassword(ctx, countyOffice, city.ID, "")
		wantCode(t, "county office resetting a city user", err, errs.NotFound)
		_, err = f.svc.ResetPassword(ctx, countyOffice, both.ID, "")
		wantCode(t, "county office resetting a user also in the sibling county", err, errs.Forbidden)
		_, err = f.svc.User(ctx, countyOffice, both.ID)
		wantCode(t, "county office reading a user also in the sibling county", err, errs.Forbidden)
		err = f.svc.Grant(ctx, countyOffice, team.UserID, g(auth.RoleOffice, siblingID))
		wantCode(t, "county office granting in the sibling county", err, errs.NotFound)
		if err := f.svc.Grant(ctx, countyOffice, team.UserID, g(auth.RoleViewer, townshipID)); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Grant(ctx, countyOffice, team.UserID, g(auth.RoleViewer, townshipID)); err != nil {
			t.Errorf("granting again: got %v, want nil", err)
		}
		if err := f.svc.Revoke(ctx, countyOffice, team.UserID, g(auth.RoleTeam, countyID)); err != nil {
			t.Fatal(err)
		}
		err = f.svc.Revoke(ctx, countyOffice, team.UserID, g(auth.RoleViewer, townshipID))
		wantCode(t, "revoking the last grant", err, errs.Conflict)
		err = f.svc.Revoke(ctx, countyOffice, team.UserID, g(auth.RoleOffice, townshipID))
		wantCode(t, "revoking a grant not held", err, errs.NotFound)
		u, err := f.svc.UserByLogin(ctx, cityOffice, "TEAM")
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Grants) != 1 || u.Grants[0].Role != auth.RoleViewer || u.Grants[0].UnitPath != "/1/2/3/5/" {
			t.Errorf("grants after grant and revoke: got %+v, want viewer in /1/2/3/5/", u.Grants)
		}

		// A reset password works and ends the user's sessions.
		tok, _, err := f.svc.SignIn(ctx, "prov", pw, "10.0.0.1:1234")
		if err != nil {
			t.Fatal(err)
		}
		prov, err := f.svc.UserByLogin(ctx, countyOffice, "prov")
		if err != nil {
			t.Fatal(err)
		}
		newPW, err := f.svc.ResetPassword(ctx, countyOffice, prov.ID, "")
		if err != nil || len(newPW) < auth.MinPasswordLen {
			t.Fatalf("reset: got %q, %v", newPW, err)
		}
		if _, err := f.svc.ActorForSession(ctx, tok); err == nil {
			t.Error("session after reset: got valid, want ended")
		}
		if _, _, err := f.svc.SignIn(ctx, "prov", pw, "10.0.0.1:1234"); err == nil {
			t.Error("old password after reset: got signed in")
		}
		if _, _, err := f.svc.SignIn(ctx, "prov", newPW, "10.0.0.1:1234"); err != nil {
			t.Errorf("new password after reset: %v", err)
		}

		// Every change was audited, scoped to the user's units.
		var path string
		if err := d.SQL.QueryRowContext(ctx, `SELECT unit_path FROM audit_log WHERE action = 'user.create' AND object_id = $1`,
			strconv.FormatInt(both.ID, 10)).Scan(&path); err != nil || path != "/1/2/" {
			t.Errorf("audit unit path of a user in two counties: got %q, %v; want /1/2/", path, err)
		}
		var actor string
		if err := d.SQL.QueryRowContext(ctx, `SELECT actor FROM audit_log WHERE action = 'user.grant'`).Scan(&actor); err != nil || actor != "county.office" {
			t.Errorf("audit actor of a grant: got %q, %v; want county.office", actor, err)
		}
		verifyAudit(t, d, 10)
	})
}

// actorOf signs login in and returns its actor and token.
func actorOf(t *testing.T, f *fixture, login string) (*auth.Actor, string) {
	t.Helper()
	tok, a, err := f.svc.SignIn(context.Background(), login, pw, "192.0.2.1:5000")
	if err != nil {
		t.Fatalf("sign in %s: %v", login, err)
	}
	return a, tok
}

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.add(t, "cadre", auth.Grant{Role: auth.RoleCadre, UnitID: countyID})
		_, err := d.SQL.ExecContext(ctx, `UPDATE users SET person_id = $1 WHERE login = 'cadre'`, personID)
		if err != nil {
			t.Fatal(err)
		}
		a, tok := actorOf(t, f, "cadre")
		if a.PersonID != personID || a.Lang != "zh-CN" || len(a.Grants) != 1 {
			t.Errorf("actor: got %+v", a)
		}
		// Only the token's hash is stored.
		var stored string
		if err := d.SQL.QueryRowContext(ctx, `SELECT token_hash FROM sessions`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == tok || strings.Contains(stored, tok) || len(stored) != 64 {
			t.Errorf("stored %q for token %q, want its SHA-256", stored, tok)
		}

		// Idle expiry: each use within 30 minutes keeps the session alive.
		for range 3 {
			f.clock.Advance(29 * time.Minute)
			if _, err := f.svc.ActorForSession(ctx, tok); err != nil {
				t.Fatalf("used within the idle timeout: %v", err)
			}
		}
		f.clock.Advance(30 * time.Minute)
		_, err = f.svc.ActorForSession(ctx, tok)
		wantKey(t, "idle session", err, auth.KeySessionExpired)
		_, err = f.svc.ActorForSession(ctx, tok)
		wantCode(t, "idle session, again", err, errs.Unauthorized)

		// Absolute expiry: a busy session ends 12 hours after sign-in.
		_, tok = actorOf(t, f, "cadre")
		for range 12*60/20 - 1 {
			f.clock.Advance(20 * time.Minute)
			if _, err := f.svc.ActorForSession(ctx, tok); err != nil {
				t.Fatalf("busy session before 12 h: %v", err)
			}
		}
		f.clock.Advance(20 * time.Minute)
		_, err = f.svc.ActorForSession(ctx, tok)
		wantKey(t, "session after 12 h", err, auth.KeySessionExpired)

		// Every sign-in gives a new token; a token not issued is never valid;
		// signing out ends the session.
		_, tok1 := actorOf(t, f, "cadre")
		_, tok2 := actorOf(t, f, "cadre")
		if tok1 == tok2 || len(tok1) < 43 {
			t.Errorf("tokens %q and %q: want two distinct 32-byte tokens", tok1, tok2)
		}
		for _, bad := range []string{"", "planted-before-sign-in", strings.ToUpper(tok1)} {
			_, err := f.svc.ActorForSession(ctx, bad)
			wantCode(t, "token "+bad, err, errs.Unauthorized)
		}
		if err := f.svc.SignOut(ctx, tok1); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ActorForSession(ctx, tok1)
		wantCode(t, "signed-out token", err, errs.Unauthorized)
		if _, err := f.svc.ActorForSession(ctx, tok2); err != nil {
			t.Errorf("the other session after sign-out of one: %v", err)
		}
		if err := f.svc.SignOut(ctx, tok1); err != nil {
			t.Errorf("signing out twice: %v", err)
		}

		// The language is remembered per user.
		a, err = f.svc.ActorForSession(ctx, tok2)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetLanguage(ctx, a, "en"); err != nil || a.Lang != "en" {
			t.Fatalf("set language: %v, %q", err, a.Lang)
		}
		wantCode(t, "unknown language", f.svc.SetLanguage(ctx, a, "fr"), errs.Invalid)
		wantCode(t, "system language", f.svc.SetLanguage(ctx, f.sys, "en"), errs.Unauthorized)
		if a, err := f.svc.ActorForSession(ctx, tok2); err != nil || a.Lang != "en" {
			t.Errorf("language after reload: got %v, %v; want en", a, err)
		}
		verifyAudit(t, d, 5)
	})
}

func TestThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.add(t, "office", g(auth.RoleOffice, countyID))
		const addr = "203.0.113.9:4000"

		// Five failures from one address refuse that address, even the
		// right password, and an unknown login is answered the same way.
		for range 5 {
			_, _, err := f.svc.SignIn(ctx, "office", "wrong password", addr)
			wantKey(t, "wrong password", err, auth.KeySignInFailed)
			_, _, err = f.svc.SignIn(ctx, "ghost", "wrong password", "198.51.100.1:1")
			wantKey(t, "unknown login", err, auth.KeySignInFailed)
			f.clock.Advance(time.Minute)
		}
		_, _, err := f.svc.SignIn(ctx, "office", pw, addr)
		wantKey(t, "right password when locked", err, auth.KeySignInThrottled)
		_, _, err = f.svc.SignIn(ctx, "ghost", pw, "198.51.100.1:1")
		wantKey(t, "unknown login when locked", err, auth.KeySignInThrottled)

		// The lock survives a restart: a new service over the same database.
		svc2 := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
		_, _, err = svc2.SignIn(ctx, "office", pw, addr)
		wantKey(t, "after restart", err, auth.KeySignInThrottled)

		// It releases when the failures leave the 15-minute window.
		f.clock.Advance(11 * time.Minute)
		if _, _, err := f.svc.SignIn(ctx, "office", pw, addr); err != nil {
			t.Fatalf("after the window: %v", err)
		}

		// Twenty failures from one address lock it for every login.
		for i := range 20 {
			_, _, err := f.svc.SignIn(ctx, "guess"+strconv.Itoa(i+1), "x", "203.0.113.50:1")
			wantKey(t, "guessing", err, auth.KeySignInFailed)
		}
		_, _, err = f.svc.SignIn(ctx, "office", pw, "203.0.113.50:2")
		wantKey(t, "right password from a locked address", err, auth.KeySignInThrottled)
		if _, _, err := f.svc.SignIn(ctx, "office", pw, addr); err != nil {
			t.Errorf("from another address: %v", err)
		}

		// Guessing spread over many addresses locks the account: the user
		// is told so, the office sees it and unlocks it with a reason.
		f.clock.Advance(16 * time.Minute)
		for i := range auth.DefaultThrottle.PerLogin {
			_, _, err := f.svc.SignIn(ctx, "office", "wrong password", "192.0.2."+strconv.Itoa(i)+":1")
			wantKey(t, "spread guessing", err, auth.KeySignInFailed)
		}
		_, _, err = f.svc.SignIn(ctx, "office", pw, "198.51.100.9:1")
		wantKey(t, "right password of a locked account", err, auth.KeySignInLocked)
		office := f.add(t, "boss", g(auth.RoleOffice, cityID)).Actor()
		locked, err := f.svc.LockedLogins(ctx, office)
		if err != nil || !locked["office"] || len(locked) != 1 {
			t.Fatalf("locked logins: %v, %v; want office", locked, err)
		}
		u, err := f.svc.UserByLogin(ctx, office, "office")
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, "unlock without a reason", f.svc.UnlockUser(ctx, office, u.ID, " "), errs.Invalid)
		if err := f.svc.UnlockUser(ctx, office, u.ID, "本人确认，已更换密码"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.SignIn(ctx, "office", pw, "198.51.100.9:1"); err != nil {
			t.Errorf("after unlocking: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.add(t, "viewer", g(auth.RoleViewer, cityID))
		a, tok := actorOf(t, f, "viewer")
		const newPW = "a much better passphrase"
		err := f.svc.ChangePassword(ctx, a, "wrong old password", newPW)
		wantCode(t, "wrong old password", err, errs.Invalid)
		wantCode(t, "too short", f.svc.ChangePassword(ctx, a, pw, "short"), errs.Invalid)
		wantCode(t, "system", f.svc.ChangePassword(ctx, f.sys, pw, newPW), errs.Unauthorized)
		if err := f.svc.ChangePassword(ctx, a, pw, newPW); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ActorForSession(ctx, tok)
		wantCode(t, "session from before the change", err, errs.Unauthorized)
		_, _, err = f.svc.SignIn(ctx, "viewer", pw, "192.0.2.1:1")
		wantKey(t, "old password", err, auth.KeySignInFailed)
		if _, _, err := f.svc.SignIn(ctx, "viewer", newPW, "192.0.2.1:1"); err != nil {
			t.Errorf("new password: %v", err)
		}
		// Guessing the old password is throttled like signing in.
		for range 5 {
			f.svc.ChangePassword(ctx, a, "guess guess guess", "whatever whatever")
		}
		wantKey(t, "guessing the old password", f.svc.ChangePassword(ctx, a, newPW, pw), auth.KeySignInThrottled)
		verifyAudit(t, d, 3)
	})
}

func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.add(t, "provider", g(auth.RoleProvider, countyID))
		a, _ := actorOf(t, f, "provider")
		meta, tok, err := f.svc.CreateAPIToken(ctx, a, "统计直报", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok, auth.APITokenPrefix) {
			t.Errorf("token %q: want prefix %s", tok, auth.APITokenPrefix)
		}
		var n int
		if err := d.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, tok).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token itself is stored")
		}
		got, err := f.svc.ActorForAPIToken(ctx, tok)
		if err != nil || got.Login != "provider" || len(got.Grants) != 1 || got.Grants[0].Role != auth.RoleProvider {
			t.Fatalf("actor for API token: got %+v, %v", got, err)
		}
		_, err = f.svc.ActorForAPIToken(ctx, tok+"x")
		wantCode(t, "altered token", err, errs.Unauthorized)
		_, err = f.svc.ActorForSession(ctx, tok)
		wantCode(t, "API token as a session", err, errs.Unauthorized)
		ts, err := f.svc.APITokens(ctx, a)
		if err != nil || len(ts) != 1 || ts[0].ID != meta.ID || ts[0].Name != "统计直报" || ts[0].LastUsedAt.IsZero() {
			t.Errorf("tokens: got %+v, %v", ts, err)
		}
		f.clock.Advance(24 * time.Hour)
		_, err = f.svc.ActorForAPIToken(ctx, tok)
		wantCode(t, "expired token", err, errs.Unauthorized)

		_, forever, err := f.svc.CreateAPIToken(ctx, a, "forever", 0)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(1000 * 24 * time.Hour)
		if _, err := f.svc.ActorForAPIToken(ctx, forever); err != nil {
			t.Errorf("token without expiry: %v", err)
		}
		other := f.add(t, "other", g(auth.RoleProvider, countyID)).Actor()
		wantCode(t, "revoking another's token", f.svc.RevokeAPIToken(ctx, other, meta.ID), errs.NotFound)
		ts, _ = f.svc.APITokens(ctx, a)
		for _, tk := range ts {
			if err := f.svc.RevokeAPIToken(ctx, a, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.svc.ActorForAPIToken(ctx, forever)
		wantCode(t, "revoked token", err, errs.Unauthorized)
		verifyAudit(t, d, 5)
	})
}

func TestUnitByCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		id, path, err := f.svc.UnitByCode(context.Background(), "X")
		if err != nil || id != countyID || path != "/1/2/3/" {
			t.Errorf("got %d %q %v, want %d /1/2/3/", id, path, err, countyID)
		}
		_, _, err = f.svc.UnitByCode(context.Background(), "nope")
		wantCode(t, "unknown code", err, errs.Invalid)
	})
}
