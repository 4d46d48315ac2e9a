package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// tokenPattern finds a token shown on the API token page.
var tokenPattern = regexp.MustCompile(`value="(kaohe_[^"]+)"`)

// createToken creates a token on the page and returns it with the page.
func (f *fixture) createToken(t *testing.T, c *http.Client, name, ttl string) (string, string) {
	t.Helper()
	res, body := f.postForm(t, c, "/tokens", url.Values{"name": {name}, "ttl": {ttl}})
	m := tokenPattern.FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("create token %s: %d, no token shown\n%.500s", name, res.StatusCode, body)
	}
	return m[1], body
}

// bearer calls GET /api/v1/me with a token and returns the status.
func (f *fixture) bearer(t *testing.T, token string) (int, string) {
	t.Helper()
	res, body := f.get(t, f.client(t), "/api/v1/me", "Authorization", "Bearer "+token)
	return res.StatusCode, body
}

// TestTokenPages creates API tokens on the page and uses them: a token
// shown once authenticates the API; a revoked or expired one gets 401;
// one user cannot revoke another's token.
func TestTokenPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		office, viewer := f.signIn(t, "office"), f.signIn(t, "viewer")

		for _, tt := range []struct {
			name, ttl, want string
		}{
			{"", "720h", "令牌名称须为 1 至 100 个字符。"},
			{strings.Repeat("x", 101), "720h", "令牌名称须为 1 至 100 个字符。"},
			{"ci", "", "请选择令牌的有效期。"},
			{"ci", "1h", "请选择令牌的有效期。"},
			{"ci", "0", "请选择令牌的有效期。"},
		} {
			res, body := f.postForm(t, office, "/tokens", url.Values{"name": {tt.name}, "ttl": {tt.ttl}})
			if res.StatusCode != 422 || !strings.Contains(body, tt.want) || tokenPattern.MatchString(body) {
				t.Errorf("token %q %q: %d, want 422 with %q and no token\n%.400s", tt.name, tt.ttl, res.StatusCode, tt.want, body)
			}
		}

		secret, page := f.createToken(t, office, "甲市直报程序", "720h")
		if !strings.Contains(page, "请立即复制并妥善保存此令牌") {
			t.Errorf("the new token is shown without the copy hint")
		}
		if code, body := f.bearer(t, secret); code != 200 || !strings.Contains(body, `"login":"office"`) {
			t.Fatalf("GET /api/v1/me with the new token: %d %s", code, body)
		}
		// Listed, never shown again, last use recorded.
		res, body := f.get(t, office, "/tokens")
		if res.StatusCode != 200 || !strings.Contains(body, "甲市直报程序") || strings.Contains(body, secret) || tokenPattern.MatchString(body) {
			t.Fatalf("token list: %d; want the name and not the token\n%.800s", res.StatusCode, body)
		}
		if strings.Contains(body, "未使用") {
			t.Errorf("token list: the used token shows as unused")
		}
		// Another user's list does not hold it, nor may it revoke it.
		if _, body := f.get(t, viewer, "/tokens"); strings.Contains(body, "甲市直报程序") {
			t.Errorf("the viewer sees the office's token")
		}
		ids := regexp.MustCompile(`action="/tokens/(\d+)/revoke"`).FindAllStringSubmatch(body, -1)
		if len(ids) != 1 {
			t.Fatalf("token list: %d revoke forms, want 1", len(ids))
		}
		revoke := "/tokens/" + ids[0][1] + "/revoke"
		for _, tt := range []struct {
			name string
			c    *http.Client
			path string
			want int
		}{
			{"another user's token", viewer, revoke, 404},
			{"an unknown token", office, "/tokens/1/revoke", 404},
			{"not a token id", office, "/tokens/x/revoke", 404},
		} {
			if res, _ := f.postForm(t, tt.c, tt.path, nil); res.StatusCode != tt.want {
				t.Errorf("revoke %s: got %d, want %d", tt.name, res.StatusCode, tt.want)
			}
		}
		if code, _ := f.bearer(t, secret); code != 200 {
			t.Fatalf("after refused revocations the token answers %d, want 200", code)
		}

		// Revoked by its owner: 401.
		if res, _ := f.postForm(t, office, revoke, nil); res.StatusCode != 303 || res.Header.Get("Location") != "/tokens?flash=token_revoked" {
			t.Fatalf("revoke: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if code, body := f.bearer(t, secret); code != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Fatalf("revoked token: %d %s, want 401", code, body)
		}

		// Expired: a 7-day token works on day 6 and not on day 8.
		week, _ := f.createToken(t, viewer, "一周", "168h")
		for _, tt := range []struct {
			advance time.Duration
			want    int
		}{{0, 200}, {6 * 24 * time.Hour, 200}, {2 * 24 * time.Hour, 401}} {
			f.clock.Advance(tt.advance)
			if code, body := f.bearer(t, week); code != tt.want {
				t.Fatalf("7-day token after %v more: %d %s, want %d", tt.advance, code, body, tt.want)
			}
		}
	})
}
