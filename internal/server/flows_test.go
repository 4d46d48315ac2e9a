package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
)

// TestUserManagement adds a user through the form, grants and revokes a
// role, resets the password, and checks the new user can sign in.
func TestUserManagement(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "office")

	// Out of the office's jurisdiction: refused, nothing written.
	req := formRequest(t, f, "/users", url.Values{"login": {"wang"}, "name": {"王五"}, "role": {"provider"}, "unit": {"330202"}})
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "找不到单位 330202") {
		t.Errorf("add user in 乙县: got %d, want 422 naming the unknown unit\n%.300s", res.StatusCode, body)
	}

	res, err = c.Do(formRequest(t, f, "/users", url.Values{"login": {"wang"}, "name": {"王五"}, "role": {"provider"}, "unit": {"330102"}}))
	if err != nil {
		t.Fatal(err)
	}
	body = readAll(res)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "用户 wang 的密码") {
		t.Fatalf("add user: got %d, want 200 showing the password once\n%.300s", res.StatusCode, body)
	}
	i := strings.Index(body, `<span class="code">`)
	generated := body[i+len(`<span class="code">`):]
	generated = generated[:strings.Index(generated, "<")]

	users, err := f.srv.auth.ListUsers(t.Context(), auth.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	var wang auth.User
	for _, u := range users {
		if u.Login == "wang" {
			wang = u
		}
	}
	if wang.ID == 0 {
		t.Fatal("user wang not stored")
	}
	id := itoa(wang.ID)
	if res := f.post(t, c, "/users/"+id+"/grants", url.Values{"role": {"viewer"}, "unit": {"330100"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("grant: got %d, want 303", res.StatusCode)
	}
	if res := f.post(t, c, "/users/"+id+"/revoke", url.Values{"role": {"provider"}, "unit_id": {itoa(f.units["330102"].ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("revoke: got %d, want 303", res.StatusCode)
	}
	// The last role cannot go.
	res, err = c.Do(formRequest(t, f, "/users/"+id+"/revoke", url.Values{"role": {"viewer"}, "unit_id": {itoa(f.units["330100"].ID)}}))
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(res); res.StatusCode != http.StatusConflict || !strings.Contains(body, "最后一个角色") {
		t.Errorf("revoke the last role: got %d, want 409 with the message", res.StatusCode)
	}

	// The new user signs in with the generated password and sees 甲市.
	nc := f.client(t)
	if res := f.post(t, nc, "/signin", url.Values{"login": {"wang"}, "password": {generated}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as wang: got %d, want 303", res.StatusCode)
	}
	if res, body := f.get(t, nc, "/units/"+itoa(f.units["330100"].ID)); res.StatusCode != 200 || !strings.Contains(body, "甲市") {
		t.Errorf("wang on 甲市: got %d, want 200", res.StatusCode)
	}
	// A reset ends wang's session.
	if res := f.post(t, c, "/users/"+id+"/password", nil); res.StatusCode != http.StatusOK {
		t.Errorf("reset: got %d, want 200", res.StatusCode)
	}
	if res, _ := f.get(t, nc, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after a reset wang's old session: got %d, want 303 to sign-in", res.StatusCode)
	}
	// The audit log shows the changes, filtered by action.
	_, body = f.get(t, c, "/audit?action=user.")
	for _, want := range []string{"添加用户", "授予角色", "撤销角色", "重置密码"} {
		if !strings.Contains(afterFilters(body), want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	if _, body := f.get(t, c, "/audit?action=user.grant"); strings.Contains(afterFilters(body), "撤销角色") {
		t.Errorf("audit filter action=user.grant shows other actions")
	}
}

func formRequest(t *testing.T, f *fixture, path string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// TestLanguage switches to English and back, remembered per user.
func TestLanguage(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "viewer")
	if _, body := f.get(t, c, "/units"); !strings.Contains(body, "辖区与单位") || !strings.Contains(body, `lang="zh-CN"`) {
		t.Fatalf("default page is not Chinese")
	}
	if res := f.post(t, c, "/language", url.Values{"lang": {"en"}, "next": {"/units"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/units" {
		t.Fatalf("switch: got %d to %q, want 303 to /units", res.StatusCode, res.Header.Get("Location"))
	}
	// Another browser of the same user gets English too.
	other := f.signIn(t, "viewer")
	if _, body := f.get(t, other, "/units"); !strings.Contains(body, "Jurisdiction") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("the language is not remembered for the user")
	}
	// A redirect never leaves the site.
	if res := f.post(t, c, "/language", url.Values{"lang": {"zh-CN"}, "next": {"//evil.example/"}}); res.Header.Get("Location") != "/" {
		t.Errorf("next=//evil.example/: redirected to %q, want /", res.Header.Get("Location"))
	}
}

// TestAPIErrorLanguage checks the error shape and its language.
func TestAPIErrorLanguage(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "office")
	path := "/api/v1/units/" + itoa(f.units["330202"].ID)
	tests := []struct{ accept, want string }{
		{"", "您要查找的对象不存在，或不在您的管辖范围内。"},
		{"en-US,en;q=0.9", "The object does not exist or is outside your jurisdiction."},
		{"fr", "您要查找的对象不存在，或不在您的管辖范围内。"},
	}
	for _, tt := range tests {
		res, body := f.get(t, c, path, "Accept-Language", tt.accept)
		var got struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		if res.StatusCode != 404 || got.Error.Code != "not_found" || got.Error.Message != tt.want {
			t.Errorf("Accept-Language %q: got %d %+v, want 404 not_found %q", tt.accept, res.StatusCode, got.Error, tt.want)
		}
	}
	// An API token works with Bearer; an unknown one is 401.
	office, err := f.srv.auth.User(t.Context(), auth.SystemActor("test"), f.users[auth.RoleOffice].ID)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := f.srv.auth.CreateAPIToken(t.Context(), office.Actor(), "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	anon := f.client(t)
	if res, body := f.get(t, anon, "/api/v1/me", "Authorization", "Bearer "+secret); res.StatusCode != 200 || !strings.Contains(body, `"login":"office"`) {
		t.Errorf("GET /api/v1/me with a token: got %d %s, want 200 as office", res.StatusCode, body)
	}
	if res, _ := f.get(t, anon, "/api/v1/me", "Authorization", "Bearer kaohe_nonsense"); res.StatusCode != 401 {
		t.Errorf("GET /api/v1/me with an unknown token: got %d, want 401", res.StatusCode)
	}
	if res, _ := f.get(t, anon, "/api/v1/me", "Authorization", "Basic eDp5"); res.StatusCode != 401 {
		t.Errorf("GET /api/v1/me with Basic: got %d, want 401", res.StatusCode)
	}
}
