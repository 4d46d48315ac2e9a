package feedback_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/feedback"
)

// TestSweep reminds the owner a week before the deadline, once, and
// escalates the overdue task to the superior unit's office, once; the
// rate of rectification on time falls to 50 % (the demo's task of 清河区
// was done on time, this one is overdue); both go out by SMTP to a
// local listener and by a webhook.
func TestSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre := f.actors["kaoheban"], f.actors["ganbu"]
		mail := smtpListener(t)
		var mu sync.Mutex
		var hooks []map[string]string
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var m map[string]string
			json.NewDecoder(r.Body).Decode(&m)
			mu.Lock()
			hooks = append(hooks, m)
			mu.Unlock()
		}))
		defer hook.Close()
		f.svc.SetSender(feedback.Senders{feedback.SMTP{Addr: mail.addr, From: "kaohe@example.org", Domain: "example.org", BaseURL: "https://kaohe.example"},
			feedback.Webhook{URL: hook.URL, BaseURL: "https://kaohe.example"}},
			func(k feedback.Kind, args map[string]any) string { return string(k) + " " + args["name"].(string) })

		must[*feedback.Drafted](t)(f.svc.Draft(ctx, office, f.cycleID))
		id := f.reportOf(t, "清河区")
		must[*feedback.Report](t)(f.svc.SetRecommendations(ctx, office, id, []string{"补齐短板。"}))
		must[*feedback.Report](t)(f.svc.Release(ctx, office, id))
		deadline := f.clock.Now().AddDate(0, 0, 5).Format(time.DateOnly)
		task := must[*feedback.Task](t)(f.svc.CreateTask(ctx, office, id, feedback.TaskForm{Problem: "信访量偏高", Responsible: "清河区信访局",
			Deadline: deadline, Target: "万人信访量下降 10%", Steps: "化解积案"}))
		sys := auth.SystemActor("test")
		for i, want := range []feedback.Swept{{Reminded: 1}, {}} {
			got := must[*feedback.Swept](t)(f.svc.Sweep(ctx, sys))
			if *got != want {
				t.Fatalf("sweep %d: got %+v, want %+v", i, got, want)
			}
		}
		f.clock.Advance(6 * 24 * time.Hour)
		// The demo's own overdue task is on the list too.
		overdue := must[[]*feedback.Task](t)(f.svc.Tasks(ctx, office, feedback.TaskFilter{Overdue: true}))
		var listed bool
		for _, o := range overdue {
			listed = listed || o.ID == task.ID
		}
		if len(overdue) != 2 || !listed {
			t.Fatalf("overdue list: %d tasks, ours listed %v", len(overdue), listed)
		}
		for i, want := range []feedback.Swept{{Escalated: 1}, {}} {
			got := must[*feedback.Swept](t)(f.svc.Sweep(ctx, sys))
			if *got != want {
				t.Fatalf("sweep after the deadline %d: got %+v, want %+v", i, got, want)
			}
		}
		kinds := func(a *auth.Actor) []feedback.Kind {
			ns, _ := must2(t)(f.svc.Inbox(ctx, a, 0))
			var out []feedback.Kind
			for _, n := range ns {
				out = append(out, n.Kind)
			}
			return out
		}
		// The newest messages; the demo's own come before them.
		if got := kinds(cadre); len(got) < 3 || strings.Join(kindStrings(got[:3]), " ") != "task_overdue task_due report_released" {
			t.Errorf("cadre's inbox: %v", got)
		}
		if got := kinds(office); len(got) == 0 || got[0] != feedback.KindTaskEscalated {
			t.Errorf("superior office's inbox: %v", got)
		}
		var rate float64
		if err := d.SQL.QueryRow(`SELECT value FROM data_values WHERE item_code = $1 AND entity_id = $2 AND is_current`,
			feedback.ItemTeamOnTime, f.county).Scan(&rate); err != nil || rate != 50 {
			t.Errorf("rate on time after the deadline: %v %v", rate, err)
		}
		// Reading a notification marks it; another's is not found.
		ns, unread := must2(t)(f.svc.Inbox(ctx, cadre, 1))
		link := must[string](t)(f.svc.MarkRead(ctx, cadre, ns[0].ID))
		if _, after := must2(t)(f.svc.Inbox(ctx, cadre, 0)); after != unread-1 || !strings.HasPrefix(link, "/feedback/") {
			t.Errorf("after reading: %d unread (was %d), link %q", after, unread, link)
		}
		if _, err := f.svc.MarkRead(ctx, office, ns[0].ID); err == nil {
			t.Error("the office read the cadre's notification")
		}
		msgs := mail.messages()
		if len(msgs) != 4 || !strings.Contains(msgs[0], "To: ganbu@example.org") || !strings.Contains(msgs[0], "https://kaohe.example/feedback/") {
			t.Errorf("mails: %d %q", len(msgs), msgs)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(hooks) != 4 || hooks[len(hooks)-1]["kind"] != "task_escalated" || hooks[len(hooks)-1]["login"] != "kaoheban" {
			t.Errorf("webhooks: %+v", hooks)
		}
	})
}

func kindStrings(ks []feedback.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// mailbox is a local SMTP listener that accepts every message.
type mailbox struct {
	addr string
	mu   sync.Mutex
	msgs []string
}

func (m *mailbox) messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

func smtpListener(t *testing.T) *mailbox {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	m := &mailbox{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			m.serve(c)
		}
	}()
	return m
}

// serve speaks just enough SMTP for net/smtp.SendMail, one connection at
// a time, so that messages arrive in order.
func (m *mailbox) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 localhost")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 localhost")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.mu.Lock()
			m.msgs = append(m.msgs, b.String())
			m.mu.Unlock()
			say("250 ok")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
