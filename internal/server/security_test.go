package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/session"
)

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "office")
	for _, path := range []string{"/", "/signin", "/units", "/api/v1/units", "/api/v1/nothing", "/no/such/page", "/healthz", "/static/app.css"} {
		res, _ := f.get(t, c, path)
		for k, want := range map[string]string{
			"Content-Security-Policy": ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
	if !strings.Contains(ContentSecurityPolicy, "script-src 'self'") || !strings.Contains(ContentSecurityPolicy, "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks script-src 'self' or frame-ancestors 'none'", ContentSecurityPolicy)
	}
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.client(t)
	form := url.Values{"login": {"office"}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var ck *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == session.CookieName {
			ck = k
		}
	}
	if ck == nil {
		t.Fatalf("sign-in set no %s cookie", session.CookieName)
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q, want true, Lax, /", ck.HttpOnly, ck.SameSite, ck.Path)
	}
	if ck.Secure {
		t.Errorf("cookie Secure over plain HTTP, want it only behind TLS")
	}

	// Behind TLS the cookie is Secure.
	ts := httptestTLS(t, f)
	tc := ts.Client()
	tc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = tc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	secure := false
	for _, k := range res.Cookies() {
		if k.Name == session.CookieName {
			secure = k.Secure
		}
	}
	if !secure {
		t.Errorf("cookie over TLS: Secure = false, want true")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "office")
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/language", strings.NewReader("lang=en&next=/"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("POST /language: got %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
	// The refused request changed nothing: the page is still Chinese.
	_, body := f.get(t, c, "/")
	if !strings.Contains(body, `lang="en"`) {
		// only the same-origin request switched the language
		t.Errorf("after the same-origin switch the page is not English")
	}
	// A cross-site sign-out is refused too.
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/signout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /signout: got %d, want 403", res.StatusCode)
	}
	if res, _ := f.get(t, c, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("after a refused cross-site sign-out: GET / got %d, want 200 (still signed in)", res.StatusCode)
	}
}

func TestSessionFixation(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	// An attacker signs in and plants the token in the victim's browser.
	attacker := f.signIn(t, "viewer")
	planted := f.sessionCookie(t, attacker)
	victim := f.client(t)
	u, _ := url.Parse(f.ts.URL)
	victim.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: planted, Path: "/"}})
	// The victim signs in as the office with the planted cookie.
	if res := f.post(t, victim, "/signin", url.Values{"login": {"office"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: got %d, want 303", res.StatusCode)
	}
	fresh := f.sessionCookie(t, victim)
	if fresh == "" || fresh == planted {
		t.Fatalf("sign-in kept the planted token; want a new one")
	}
	// The token from before sign-in is not accepted after it.
	stale := f.client(t)
	stale.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: planted, Path: "/"}})
	if res, _ := f.get(t, stale, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / with the pre-sign-in token: got %d, want 303 to sign-in", res.StatusCode)
	}
	if res, body := f.get(t, victim, "/"); res.StatusCode != http.StatusOK || !strings.Contains(body, "用户office") {
		t.Errorf("GET / with the new token: got %d, want 200 as the office", res.StatusCode)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	tests := []struct {
		name    string
		advance []time.Duration
		want    int
	}{
		{"fresh", nil, http.StatusOK},
		{"busy for a while", []time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, http.StatusOK},
		{"idle too long", []time.Duration{auth.DefaultIdleTimeout + time.Minute}, http.StatusSeeOther},
		{"too old however busy", repeat(25*time.Minute, int(auth.DefaultMaxAge/(25*time.Minute))+1), http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.signIn(t, "office")
			res, _ := f.get(t, c, "/")
			for _, d := range tt.advance {
				f.clock.Advance(d)
				res, _ = f.get(t, c, "/")
			}
			if res.StatusCode != tt.want {
				t.Errorf("GET / after %v: got %d, want %d", tt.advance, res.StatusCode, tt.want)
			}
			if tt.want == http.StatusSeeOther {
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/signin") {
					t.Errorf("expired session redirects to %q, want /signin", loc)
				}
				// The API refuses the expired session too.
				if res, _ := f.get(t, c, "/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
					t.Errorf("API with expired session: got %d, want 401", res.StatusCode)
				}
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestSignInThrottled(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.client(t)
	bad := url.Values{"login": {"office"}, "password": {"wrong-password-x"}}
	for i := range auth.DefaultThrottle.PerPair {
		req := signinRequest(t, f, bad)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(res)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
			t.Fatalf("failed sign-in %d: got %d, want 401 with the wrong-password message", i+1, res.StatusCode)
		}
	}
	// Now even the right password is refused, with the throttling message.
	res, err := c.Do(signinRequest(t, f, url.Values{"login": {"office"}, "password": {password}}))
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(res)
	if res.StatusCode == http.StatusSeeOther || !strings.Contains(body, "登录失败次数过多") {
		t.Errorf("sign-in after %d failures: got %d, want refusal with the throttling message\n%.500s",
			auth.DefaultThrottle.PerPair, res.StatusCode, body)
	}
	// After the window the account signs in again.
	f.clock.Advance(auth.DefaultThrottle.Window + time.Minute)
	res, err = c.Do(signinRequest(t, f, url.Values{"login": {"office"}, "password": {password}}))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in after the window: got %d, want 303", res.StatusCode)
	}
}

func signinRequest(t *testing.T, f *fixture, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

func TestLogsNeverHoldTokens(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	c := f.signIn(t, "office")
	token := f.sessionCookie(t, c)
	f.get(t, c, "/units?secret=1")
	logs := f.logs.String()
	if strings.Contains(logs, token) || strings.Contains(logs, "secret=1") {
		t.Errorf("request log holds the session token or a query string:\n%s", logs)
	}
	want := "user_id=" + itoa(f.users[auth.RoleOffice].ID)
	if !strings.Contains(logs, "path=/units") || !strings.Contains(logs, want) || !strings.Contains(logs, "status=200") {
		t.Errorf("request log lacks path, status or %s:\n%s", want, logs)
	}
}

func TestPanicRecovered(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	f.srv.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	f.srv.mux.HandleFunc("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	c := f.client(t)
	res, body := f.get(t, c, "/boom")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "系统内部错误") || strings.Contains(body, "kaboom") {
		t.Errorf("GET /boom: got %d %q, want 500 with the generic Chinese message", res.StatusCode, body)
	}
	res, body = f.get(t, c, "/api/v1/boom")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, `"code":"internal"`) {
		t.Errorf("GET /api/v1/boom: got %d %q, want 500 internal", res.StatusCode, body)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "kaboom") || !strings.Contains(logs, "goroutine") {
		t.Errorf("panic not logged with its stack:\n%.1000s", logs)
	}
}

// httptestTLS serves the fixture's server over TLS too.
func httptestTLS(t *testing.T, f *fixture) *httptest.Server {
	t.Helper()
	ts := httptest.NewTLSServer(f.srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
