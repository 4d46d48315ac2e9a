package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// withToken sends an API request with an API token and returns the status
// and the body.
func (f *fixture) withToken(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// TestAccountControl stops an account from the users page and restarts it
// through the API: the viewer's browser session and API token stop at
// once; the office lists and revokes the viewer's tokens; the other roles
// are refused.
func TestAccountControl(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		svc := f.srv.auth
		viewer, officeUser := f.users[auth.RoleViewer], f.users[auth.RoleOffice]
		vid := itoa(viewer.ID)
		newToken := func(u *auth.User) string {
			t.Helper()
			_, tok, err := svc.CreateAPIToken(ctx, u.Actor(), "client", 0)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		viewerBrowser, viewerToken := f.signIn(t, "viewer"), newToken(viewer)
		officeBrowser, officeToken := f.signIn(t, "office"), newToken(officeUser)

		if res := f.post(t, officeBrowser, "/users/"+vid+"/disable", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("disable without a reason: got %d, want 422", res.StatusCode)
		}
		if res := f.post(t, officeBrowser, "/users/"+vid+"/disable", url.Values{"reason": {"调离岗位"}}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != "/users?flash=user_disabled" {
			t.Fatalf("disable: got %d to %q, want 303 to the users page", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := f.get(t, viewerBrowser, "/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("the disabled viewer's session: got %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
		}
		if code, body := f.withToken(t, "GET", "/api/v1/me", viewerToken, ""); code != http.StatusUnauthorized {
			t.Errorf("the disabled viewer's API token: got %d %s, want 401", code, body)
		}
		if _, page := f.get(t, officeBrowser, "/users"); !strings.Contains(page, "调离岗位") {
			t.Errorf("users page does not show the reason")
		}

		code, body := f.withToken(t, "POST", "/api/v1/users/"+vid+"/enable", officeToken, `{"reason": "返岗"}`)
		var u struct{ Disabled bool }
		if json.Unmarshal([]byte(body), &u); code != http.StatusOK || u.Disabled {
			t.Fatalf("enable through the API: got %d %s", code, body)
		}
		viewerToken = newToken(viewer)
		code, body = f.withToken(t, "GET", "/api/v1/users/"+vid+"/tokens", officeToken, "")
		var list struct{ Tokens []struct{ ID string } }
		if json.Unmarshal([]byte(body), &list); code != http.StatusOK || len(list.Tokens) != 1 {
			t.Fatalf("the viewer's tokens: got %d %s, want one", code, body)
		}
		tokenPath := "/api/v1/users/" + vid + "/tokens/" + list.Tokens[0].ID
		for _, other := range []auth.Role{auth.RoleTeam, auth.RoleProvider, auth.RoleSupervisor, auth.RoleCadre} {
			tok := newToken(f.users[other])
			if code, _ := f.withToken(t, "DELETE", tokenPath, tok, ""); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("%s revokes the viewer's token: got %d, want 403 or 404", other, code)
			}
			if code, _ := f.withToken(t, "POST", "/api/v1/users/"+vid+"/disable", tok, `{"reason": "x"}`); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("%s disables the viewer: got %d, want 403 or 404", other, code)
			}
		}
		if code, body := f.withToken(t, "GET", "/api/v1/me", viewerToken, ""); code != http.StatusOK {
			t.Fatalf("the viewer's new token: got %d %s", code, body)
		}
		if code, body := f.withToken(t, "DELETE", tokenPath, officeToken, ""); code != http.StatusNoContent {
			t.Errorf("the office revokes the viewer's token: got %d %s, want 204", code, body)
		}
		if code, _ := f.withToken(t, "GET", "/api/v1/me", viewerToken, ""); code != http.StatusUnauthorized {
			t.Errorf("the revoked token: got %d, want 401", code)
		}

		// The page lists and revokes too.
		viewerToken = newToken(viewer)
		ts, _ := svc.UserAPITokens(ctx, officeUser.Actor(), viewer.ID)
		if res, page := f.get(t, officeBrowser, "/users/"+vid+"/tokens"); res.StatusCode != http.StatusOK || !strings.Contains(page, "client") {
			t.Errorf("the viewer's token page: got %d\n%s\n%s", res.StatusCode, page, f.logs.String())
		}
		if res, _ := f.get(t, viewerBrowser, "/users/"+itoa(officeUser.ID)+"/tokens"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the signed-out viewer on the office's token page: got %d, want 303", res.StatusCode)
		}
		teamBrowser := f.signIn(t, "team")
		if res, _ := f.get(t, teamBrowser, "/users/"+vid+"/tokens"); res.StatusCode != http.StatusNotFound {
			t.Errorf("the team on the viewer's token page: got %d, want 404", res.StatusCode)
		}
		res := f.post(t, officeBrowser, "/users/"+vid+"/tokens/"+itoa(ts[0].ID)+"/revoke", url.Values{})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("revoke on the page: got %d, want 303", res.StatusCode)
		}
		if code, _ := f.withToken(t, "GET", "/api/v1/me", viewerToken, ""); code != http.StatusUnauthorized {
			t.Errorf("the token revoked on the page: got %d, want 401", code)
		}
	})
}
