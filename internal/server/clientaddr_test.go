package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestClientAddr checks that the request log and the audited failed
// sign-in name the client: the peer, or what a trusted proxy forwarded —
// never what an untrusted sender claims.
func TestClientAddr(t *testing.T) {
	cases := []struct {
		name, proxies, forwarded, want string
	}{
		{"no proxy configured", "", "203.0.113.7", "127.0.0.1"},
		{"no forwarded header", "127.0.0.1", "", "127.0.0.1"},
		{"trusted proxy", "127.0.0.1", "203.0.113.7", "203.0.113.7"},
		{"client's own claim left of it", "127.0.0.0/8", "198.51.100.9, 203.0.113.7", "203.0.113.7"},
		{"two trusted proxies", "127.0.0.1, 10.0.0.0/8", "203.0.113.7, 10.1.2.3", "203.0.113.7"},
		{"garbage forwarded", "127.0.0.1", "nonsense", "127.0.0.1"},
		{"other proxy not trusted", "10.0.0.0/8", "203.0.113.7", "127.0.0.1"},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				proxies, err := ParseProxies(c.proxies)
				if err != nil {
					t.Fatal(err)
				}
				logs := &strings.Builder{}
				srv, err := New(Config{DB: d, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)),
					TrustedProxies: proxies})
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(srv.Handler())
				defer ts.Close()
				form := url.Values{"login": {"office"}, "password": {"wrong password"}}
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if c.forwarded != "" {
					req.Header.Set("X-Forwarded-For", c.forwarded)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("wrong password: got status %d, want 401", res.StatusCode)
				}
				if line := logs.String(); !strings.Contains(line, "path=/signin") || !strings.Contains(line, "addr="+c.want+" ") {
					t.Errorf("request log: got %q, want addr=%s", line, c.want)
				}
				var after string
				if err := d.SQL.QueryRowContext(context.Background(),
					`SELECT after_json FROM audit_log WHERE action = 'signin.fail' ORDER BY seq DESC LIMIT 1`).Scan(&after); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(after, `"addr":"`+c.want+`"`) || !strings.Contains(after, `"login":"office"`) {
					t.Errorf("audited failure: got %s, want login office from %s", after, c.want)
				}
				f.clock.Advance(auth.DefaultThrottle.Window) // each case starts unthrottled
			})
		}
	})
}

func TestParseProxies(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", "[]", true},
		{"10.0.0.1", "[10.0.0.1/32]", true},
		{" 10.1.2.3/8 , ::1", "[10.0.0.0/8 ::1/128]", true},
		{"10.0.0.0/33", "", false},
		{"proxy.example", "", false},
	} {
		got, err := ParseProxies(c.in)
		if (err == nil) != c.ok || (c.ok && fmt.Sprint(got) != c.want) {
			t.Errorf("ParseProxies(%q): got %v, %v; want %s (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}
