package auth_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// token makes an API token for the user login as the user would.
func token(t *testing.T, f *fixture, login string) (auth.APIToken, string) {
	t.Helper()
	a, _ := actorOf(t, f, login)
	meta, tok, err := f.svc.CreateAPIToken(context.Background(), a, "client", 0)
	if err != nil {
		t.Fatal(err)
	}
	return meta, tok
}

// TestDisableUser checks that a disabled account stops at once — its
// session, its API token and its right password — that it needs a reason
// and is audited with it, and that enabling it lets it sign in again
// without bringing its old credentials back.
func TestDisableUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		office := f.add(t, "office", g(auth.RoleOffice, cityID)).Actor()
		target := f.add(t, "viewer", g(auth.RoleViewer, countyID))
		_, session := actorOf(t, f, "viewer")
		_, tok := token(t, f, "viewer")

		for _, reason := range []string{"", "   ", string(make([]rune, auth.MaxReasonLen+1))} {
			wantKey(t, "reason "+reason, f.svc.DisableUser(ctx, office, target.ID, reason), auth.KeyReasonNeeded)
		}
		wantCode(t, "disabling oneself", f.svc.DisableUser(ctx, office, office.UserID, "test"), errs.Conflict)
		if err := f.svc.DisableUser(ctx, office, target.ID, "调离岗位"); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.ActorForSession(ctx, session)
		wantCode(t, "session of a disabled account", err, errs.Unauthorized)
		_, err = f.svc.ActorForAPIToken(ctx, tok)
		wantCode(t, "API token of a disabled account", err, errs.Unauthorized)
		_, _, err = f.svc.SignIn(ctx, "viewer", pw, "192.0.2.1:1")
		wantKey(t, "right password of a disabled account", err, auth.KeyUserDisabled)
		_, _, err = f.svc.SignIn(ctx, "viewer", "wrong password", "192.0.2.1:1")
		wantKey(t, "wrong password of a disabled account", err, auth.KeySignInFailed)
		u, err := f.svc.User(ctx, office, target.ID)
		if err != nil || !u.Disabled() || u.DisabledReason != "调离岗位" {
			t.Errorf("disabled user: got %+v, %v", u, err)
		}
		if err := f.svc.DisableUser(ctx, office, target.ID, "again"); err != nil {
			t.Errorf("disabling twice: %v", err)
		}

		if err := f.svc.EnableUser(ctx, office, target.ID, "返岗"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.SignIn(ctx, "viewer", pw, "192.0.2.1:1"); err != nil {
			t.Errorf("sign-in after enabling: %v", err)
		}
		_, err = f.svc.ActorForAPIToken(ctx, tok)
		wantCode(t, "old API token after enabling", err, errs.Unauthorized)

		var reasons []string
		rs, err := d.SQL.QueryContext(ctx, `SELECT action || ':' || reason FROM audit_log WHERE action IN ('user.disable', 'user.enable') ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var r string
			rs.Scan(&r)
			reasons = append(reasons, r)
		}
		if want := []string{"user.disable:调离岗位", "user.enable:返岗"}; len(reasons) != 2 || reasons[0] != want[0] || reasons[1] != want[1] {
			t.Errorf("audited: got %v, want %v", reasons, want)
		}
		events := signinEvents(t, d)
		if len(events) != 2 || events[0].Reason != auth.ReasonDisabled || events[1].Reason != auth.ReasonWrongPassword {
			t.Errorf("audited sign-in failures: got %+v, want disabled then wrong_password", events)
		}
		verifyAudit(t, d, 8)
	})
}

// TestPasswordEndsTokens checks that a reset by the office and a change
// by the user end the user's API tokens along with its sessions.
func TestPasswordEndsTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		office := f.add(t, "office", g(auth.RoleOffice, cityID)).Actor()
		target := f.add(t, "viewer", g(auth.RoleViewer, countyID))

		_, tok := token(t, f, "viewer")
		if _, err := f.svc.ResetPassword(ctx, office, target.ID, pw); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.ActorForAPIToken(ctx, tok)
		wantCode(t, "API token after a reset", err, errs.Unauthorized)

		_, tok = token(t, f, "viewer")
		a, _ := actorOf(t, f, "viewer")
		if err := f.svc.ChangePassword(ctx, a, pw, "another long passphrase"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ActorForAPIToken(ctx, tok)
		wantCode(t, "API token after a change", err, errs.Unauthorized)
	})
}

// TestAccountPolicy asks, for every role granted in the county, to
// disable and enable an account, list its API tokens and revoke one —
// inside the county (in its township) and outside it (in the sibling
// county). Only the office acts, and only inside; everyone else, and
// the office outside, is answered not found.
func TestAccountPolicy(t *testing.T) {
	type want struct{ in, out errs.Code }
	ok := errs.Code("")
	// Who manages no users is not told that one exists (decision 0161).
	cases := map[auth.Role]want{auth.RoleOffice: {ok, errs.NotFound}}
	for _, r := range auth.Roles {
		if r != auth.RoleOffice {
			cases[r] = want{errs.NotFound, errs.NotFound}
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		targets := map[string]*auth.User{
			"in":  f.add(t, "in", g(auth.RoleViewer, townshipID)),
			"out": f.add(t, "out", g(auth.RoleViewer, siblingID)),
		}
		for _, role := range auth.Roles {
			actor := f.add(t, "actor."+string(role), g(role, countyID)).Actor()
			for _, where := range []string{"in", "out"} {
				want := cases[role].in
				if where == "out" {
					want = cases[role].out
				}
				target := targets[where]
				meta, _ := token(t, f, target.Login)
				ops := []struct {
					name string
					run  func() error
				}{
					{"tokens", func() error { _, err := f.svc.UserAPITokens(ctx, actor, target.ID); return err }},
					{"revoke token", func() error { return f.svc.RevokeAPIToken(ctx, actor, meta.ID) }},
					{"disable", func() error { return f.svc.DisableUser(ctx, actor, target.ID, "test") }},
					{"enable", func() error { return f.svc.EnableUser(ctx, actor, target.ID, "test") }},
				}
				for _, op := range ops {
					err := op.run()
					got := errs.CodeOf(err)
					if err == nil {
						got = ok
					}
					if got != want {
						t.Errorf("%s %s of the user %s: got %v (%q), want %q", role, op.name, where, err, got, want)
					}
				}
			}
		}
		// Nothing was done to the account outside the county.
		ts, err := f.svc.UserAPITokens(ctx, f.sys, targets["out"].ID)
		if err != nil || len(ts) != len(auth.Roles) {
			t.Errorf("tokens of the out-of-county user: got %d, %v; want %d", len(ts), err, len(auth.Roles))
		}
		if u, err := f.svc.User(ctx, f.sys, targets["out"].ID); err != nil || u.Disabled() {
			t.Errorf("out-of-county user: got %+v, %v; want it active", u, err)
		}
	})
}
