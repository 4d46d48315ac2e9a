package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestWebhookPages adds a webhook to a sharing token on its page as the
// office — a bad form is refused naming each field, a good one shows the
// signing secret once — then a value of the token's item is submitted and
// the running server posts it, signed, to a local receiver; the delivery
// log shows it delivered; a viewer may not see the page; the webhook is
// deleted.
func TestWebhookPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		collectFixture(t, f)
		var mu sync.Mutex
		var posts []*http.Request
		var bodies []string
		rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			posts, bodies = append(posts, r), append(bodies, string(b))
			mu.Unlock()
		}))
		defer rc.Close()

		office := f.signIn(t, string(auth.RoleOffice))
		_, body := f.postForm(t, office, "/tokens/share", url.Values{"name": {"干部系统"}, "system": {"甲市干部管理信息系统"},
			"unit": {db.FormatID(f.units["330100"].ID)}, "results": {"1"}, "items": {"GDP"}, "ttl": {"720h"}})
		link := regexp.MustCompile(`href="(/tokens/\d+/webhooks)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no link to the token's webhooks: %s", body)
		}
		if res, body := f.get(t, office, link[1]); res.StatusCode != http.StatusOK || !strings.Contains(body, "甲市干部管理信息系统 的推送订阅") ||
			!strings.Contains(body, "尚无推送订阅") || !strings.Contains(body, "地区生产总值") {
			t.Fatalf("webhooks page: %d %s %s", res.StatusCode, body, f.logs)
		}
		res, body := f.postForm(t, office, link[1], url.Values{"url": {"ftp://hr.example/x"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "以 http:// 或 https:// 开头") ||
			!strings.Contains(body, "请选择一个或多个推送事件") {
			t.Errorf("bad form: %d %s", res.StatusCode, body)
		}
		res, body = f.postForm(t, office, link[1], url.Values{"url": {rc.URL + "/kaohe"}, "event": {"value.changed"}, "item": {"GDP"}})
		secret := regexp.MustCompile(`id="webhook-secret" value="(whsec_[0-9a-f]+)"`).FindStringSubmatch(body)
		show := regexp.MustCompile(`href="(/webhooks/\d+)"`).FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || secret == nil || show == nil || !strings.Contains(body, "数据项新值") {
			t.Fatalf("add: %d %s", res.StatusCode, body)
		}
		if _, again := f.get(t, office, link[1]); strings.Contains(again, secret[1]) {
			t.Error("the secret is shown again")
		}
		// The audit log names the webhook by its address.
		if res, log := f.get(t, office, "/audit"); res.StatusCode != http.StatusOK || !strings.Contains(log, "添加推送订阅") ||
			!strings.Contains(log, rc.URL+"/kaohe") {
			t.Errorf("audit log: %d %s", res.StatusCode, log)
		}
		viewer := f.signIn(t, string(auth.RoleViewer))
		for _, p := range []string{link[1], show[1]} {
			if res, _ := f.get(t, viewer, p); res.StatusCode != http.StatusNotFound {
				t.Errorf("a viewer read %s: %d", p, res.StatusCode)
			}
		}

		if _, err := collect.NewService(d, auth.Policy{}).Submit(t.Context(), auth.SystemActor("test"), collect.Batch{Source: collect.SourceAPI,
			Rows: []collect.Row{{Line: 1, Entity: "330102", Item: "GDP", Period: "2025", Value: "120.5"}}}); err != nil {
			t.Fatal(err)
		}
		// The running server posts it.
		ctx, cancel := context.WithCancel(t.Context())
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- f.srv.Serve(ctx, l) }()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := len(posts)
			mu.Unlock()
			if n > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the server posted nothing")
			}
		}
		cancel()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		r, b := posts[0], bodies[0]
		mu.Unlock()
		sig := r.Header.Get("X-Kaohe-Signature")
		ts, v1, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",v1=")
		m := hmac.New(sha256.New, []byte(secret[1]))
		m.Write([]byte(ts + "." + b))
		if r.Header.Get("X-Kaohe-Event") != "value.changed" || v1 != hex.EncodeToString(m.Sum(nil)) ||
			!strings.Contains(b, `"item":"GDP"`) || !strings.Contains(b, `"system":"甲市干部管理信息系统"`) {
			t.Errorf("post: %s %s %s", r.Header.Get("X-Kaohe-Event"), sig, b)
		}
		res, body = f.get(t, office, show[1])
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "已送达") || !strings.Contains(body, "状态码 200") ||
			!strings.Contains(body, "数据项新值") {
			t.Errorf("delivery log: %d %s", res.StatusCode, body)
		}
		// Only a failed delivery is sent again.
		did := regexp.MustCompile(`&#34;id&#34;:&#34;(\d+)&#34;`).FindStringSubmatch(body)
		if did == nil {
			t.Fatalf("no delivery id in the log: %s", body)
		}
		if res := f.post(t, office, show[1]+"/deliveries/"+did[1]+"/redeliver", url.Values{}); res.StatusCode != http.StatusConflict {
			t.Errorf("redeliver a delivered post: %d", res.StatusCode)
		}
		res = f.post(t, office, show[1]+"/delete", url.Values{})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != link[1]+"?flash=webhook_deleted" {
			t.Fatalf("delete: %d %s", res.StatusCode, loc)
		}
		if _, body := f.get(t, office, link[1]+"?flash=webhook_deleted"); !strings.Contains(body, "推送订阅已删除") || !strings.Contains(body, "尚无推送订阅") {
			t.Errorf("after delete: %s", body)
		}
	})
}
