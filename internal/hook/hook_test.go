package hook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
	"kaohe/internal/hook"
	"kaohe/internal/org"
	"kaohe/internal/sources"
)

// received is one post the receiver was sent.
type received struct {
	path  string
	event string
	id    string
	sig   string
	body  []byte
}

// receiver is a local webhook receiver: it records every post and
// answers 500 to the first fail posts of a path.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	fail map[string]int
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{fail: map[string]int{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, received{path: r.URL.Path, event: r.Header.Get("X-Kaohe-Event"), id: r.Header.Get("X-Kaohe-Delivery"),
			sig: r.Header.Get("X-Kaohe-Signature"), body: b})
		if rc.fail[r.URL.Path] > 0 {
			rc.fail[r.URL.Path]--
			http.Error(w, "busy", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

// posts returns what path was posted, in order.
func (rc *receiver) posts(path string) []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []received
	for _, g := range rc.got {
		if g.path == path {
			out = append(out, g)
		}
	}
	return out
}

// verify checks a post's signature as a receiver would, by the
// documented recipe (docs/api.md), not through hook.Signature.
func verify(t *testing.T, secret string, g received) {
	t.Helper()
	var ts, v1 string
	for _, part := range strings.Split(g.sig, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(g.body)))
	if want := hex.EncodeToString(m.Sum(nil)); ts == "" || !hmac.Equal([]byte(v1), []byte(want)) {
		t.Errorf("%s: signature %q does not verify", g.event, g.sig)
	}
	var p struct{ ID, Event string }
	if err := json.Unmarshal(g.body, &p); err != nil || p.ID != g.id || p.Event != g.event {
		t.Errorf("body %s does not match headers %s %s (%v)", g.body, g.id, g.event, err)
	}
}

// clock is a settable clock for the database.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world is the demo with the services the test drives.
type world struct {
	d        *db.DB
	clock    *clock
	auth     *auth.Service
	hooks    *hook.Service
	cycles   *cycle.Service
	reports  *feedback.Service
	collects *collect.Service
	office   *auth.Actor
	counties []*org.Unit
	made     int
}

func newWorld(t *testing.T, d *db.DB) *world {
	ctx := t.Context()
	if _, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1}); err != nil {
		t.Fatalf("build demo: %v", err)
	}
	w := &world{d: d, clock: &clock{t: time.Now().UTC()}}
	d.Clock = w.clock.now
	var pol auth.Policy
	w.auth = auth.NewService(d, pol, org.GrantUnits{})
	w.collects = collect.NewService(d, pol)
	w.cycles = cycle.NewService(d, pol, sources.Cycle())
	w.reports = feedback.NewService(d, pol, w.cycles, w.collects)
	w.hooks = hook.NewService(d, pol, w.auth, sources.Hooks(w.cycles, w.reports)...)
	office, err := w.auth.UserByLogin(ctx, auth.SystemActor("test"), "kaoheban")
	if err != nil {
		t.Fatal(err)
	}
	w.office = office.Actor()
	units, _, err := org.NewService(d, pol).FindUnits(ctx, auth.SystemActor("test"), org.UnitFilter{Level: org.LevelCounty, Kind: org.KindRegion, Limit: 50})
	if err != nil || len(units) < 2 {
		t.Fatalf("find counties: %v", err)
	}
	slices.SortFunc(units, func(a, b *org.Unit) int {
		return strings.Compare(strconv.FormatBool(!strings.HasPrefix(a.Name, "安平")), strconv.FormatBool(!strings.HasPrefix(b.Name, "安平")))
	})
	w.counties = units[:2] // 安平 first
	return w
}

// publish makes a copy of the demo's 2025 annual unit cycle for the given
// units and scores, approves and publishes it.
func (w *world) publish(t *testing.T, ctx context.Context, units ...int64) *cycle.Cycle {
	t.Helper()
	w.made++
	sys := auth.SystemActor("test")
	annual, err := w.cycles.Cycles(ctx, sys, cycle.Filter{Kind: cycle.Annual, Subject: cycle.SubjectUnit, Stage: cycle.Published})
	if err != nil {
		t.Fatal(err)
	}
	var base *cycle.Cycle
	for _, c := range annual {
		if c.Period == "2025" {
			if base, err = w.cycles.Cycle(ctx, sys, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if base == nil {
		t.Fatal("no published 2025 annual cycle in the demo")
	}
	c, err := w.cycles.Create(ctx, w.office, cycle.Cycle{Code: "hook-" + strconv.Itoa(w.made), Name: "2025年度专项复核", Kind: cycle.Annual,
		Subject: cycle.SubjectUnit, OwnerUnitID: base.OwnerUnitID, SchemeVersionID: base.SchemeVersionID, Period: "2025",
		EvaluationIDs: base.EvaluationIDs, Draws: 50, EndsOn: "2025-12-31"}, cycle.Selection{UnitIDs: units})
	if err != nil {
		t.Fatalf("create cycle: %v", err)
	}
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		if _, err := w.cycles.Move(ctx, w.office, c.ID, to, ""); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}
	sn, err := w.cycles.Run(ctx, w.office, c.ID)
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	if _, err := w.cycles.Move(ctx, w.office, c.ID, cycle.Review, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cycles.Approve(ctx, w.office, c.ID, sn.ID, "审定"); err != nil {
		t.Fatal(err)
	}
	if c, err = w.cycles.Move(ctx, w.office, c.ID, cycle.Published, "公示无异议"); err != nil {
		t.Fatal(err)
	}
	return c
}

// release drafts and releases every report of cycle id.
func (w *world) release(t *testing.T, ctx context.Context, id int64) {
	t.Helper()
	if _, err := w.reports.Draft(ctx, w.office, id); err != nil {
		t.Fatalf("draft: %v", err)
	}
	list, _, err := w.reports.Reports(ctx, w.office, feedback.ReportFilter{CycleID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if _, err := w.reports.SetRecommendations(ctx, w.office, r.ID, []string{"巩固优势，补齐短板。"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.reports.Release(ctx, w.office, r.ID); err != nil {
			t.Fatalf("release: %v", err)
		}
	}
}

// TestWebhooks follows the demo through a publication, the release of
// its reports and a batch of values: the webhook of 安平's sharing token
// hears of each, signed, once; the webhook of another county's token
// hears of nothing of 安平's; a receiver that fails is retried after the
// backoff with the same bytes; a delivery out of attempts fails and is
// sent again on request; a revoked token's deliveries stop.
func TestWebhooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		w := newWorld(t, d)
		anping, other := w.counties[0], w.counties[1]
		rc := newReceiver(t)
		tokA, _, err := w.auth.CreateShareToken(ctx, w.office, "干部信息系统", 0,
			auth.Share{System: "市干部管理信息系统", UnitID: anping.ID, Results: true, Items: []string{"PM25", "WATER_QUALITY"}})
		if err != nil {
			t.Fatal(err)
		}
		tokB, _, err := w.auth.CreateShareToken(ctx, w.office, "另一县", 0,
			auth.Share{System: "县大数据局", UnitID: other.ID, Results: true})
		if err != nil {
			t.Fatal(err)
		}
		all := []hook.Event{hook.CyclePublished, hook.ReportReleased, hook.ValueChanged}
		hA, secretA, err := w.hooks.Create(ctx, w.office, tokA.ID, hook.Draft{URL: rc.URL + "/a", Events: all, Items: []string{"WATER_QUALITY"}})
		if err != nil {
			t.Fatalf("create webhook: %v", err)
		}
		if _, _, err := w.hooks.Create(ctx, w.office, tokB.ID, hook.Draft{URL: rc.URL + "/b",
			Events: []hook.Event{hook.CyclePublished, hook.ReportReleased}}); err != nil {
			t.Fatal(err)
		}
		rc.fail["/flaky"] = 2
		hF, secretF, err := w.hooks.Create(ctx, w.office, tokA.ID, hook.Draft{URL: rc.URL + "/flaky", Events: []hook.Event{hook.CyclePublished}})
		if err != nil {
			t.Fatal(err)
		}
		// What happened before a webhook was made is not told.
		if n, err := w.hooks.Scan(ctx); err != nil || n != 0 {
			t.Fatalf("scan before any event: %d, %v", n, err)
		}

		c := w.publish(t, ctx, anping.ID)
		w.release(t, ctx, c.ID)
		if _, err := w.collects.Submit(ctx, auth.SystemActor("test"), collect.Batch{Source: collect.SourceAPI, Rows: []collect.Row{
			{Line: 1, Entity: anping.Code, Item: "WATER_QUALITY", Period: "2026", Value: "91.5"},
			{Line: 2, Entity: other.Code, Item: "WATER_QUALITY", Period: "2026", Value: "88"},
			{Line: 3, Entity: anping.Code, Item: "PM25", Period: "2026", Value: "31"},
		}}); err != nil {
			t.Fatalf("submit values: %v", err)
		}
		n, err := w.hooks.Scan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 { // /a: publication, report, values; /flaky: publication
			t.Errorf("queued %d deliveries, want 4", n)
		}
		if n, _ := w.hooks.Scan(ctx); n != 0 {
			t.Errorf("a second scan queued %d", n)
		}
		if _, _, err := w.hooks.Deliver(ctx); err != nil {
			t.Fatal(err)
		}

		a := rc.posts("/a")
		var events []string
		for _, g := range a {
			verify(t, secretA, g)
			events = append(events, g.event)
		}
		if want := []string{"cycle.published", "report.released", "value.changed"}; !slices.Equal(events, want) {
			t.Fatalf("/a heard %v, want %v", events, want)
		}
		var pub struct {
			System string
			Data   hook.CycleNotice
		}
		json.Unmarshal(a[0].body, &pub)
		if pub.System != "市干部管理信息系统" || pub.Data.CycleID != db.FormatID(c.ID) || pub.Data.Version != 1 ||
			pub.Data.Results != "/api/v1/share/cycles/"+db.FormatID(c.ID)+"/results" {
			t.Errorf("publication: %s", a[0].body)
		}
		var rel struct{ Data hook.ReportNotice }
		json.Unmarshal(a[1].body, &rel)
		if rel.Data.UnitCode != anping.Code || !rel.Data.Team || rel.Data.DocNo == "" || rel.Data.CycleID != db.FormatID(c.ID) {
			t.Errorf("release: %s", a[1].body)
		}
		var val struct{ Data hook.ValueNotice }
		json.Unmarshal(a[2].body, &val)
		if len(val.Data.Items) != 1 || val.Data.Items[0].Item != "WATER_QUALITY" || val.Data.Items[0].Units != 1 ||
			!slices.Equal(val.Data.Items[0].Periods, []string{"2026"}) ||
			val.Data.Items[0].Values[0] != "/api/v1/share/items/WATER_QUALITY/values?period=2026" {
			t.Errorf("values (PM25 is not the webhook's, the other county not the token's): %s", a[2].body)
		}
		if b := rc.posts("/b"); len(b) != 0 {
			t.Errorf("the other county's webhook heard of 安平: %d posts", len(b))
		}

		// The flaky receiver: 500, then after the backoff 500 again, then 200.
		for i, step := range []struct {
			advance time.Duration
			status  hook.Status
			posts   int
		}{
			{0, hook.Pending, 1},
			{hook.Backoff(1) - time.Second, hook.Pending, 1}, // not yet due
			{time.Second, hook.Pending, 2},
			{hook.Backoff(2), hook.Delivered, 3},
		} {
			w.clock.advance(step.advance)
			if i > 0 {
				if _, _, err := w.hooks.Deliver(ctx); err != nil {
					t.Fatal(err)
				}
			}
			_, _, ds, err := w.hooks.Deliveries(ctx, w.office, hF.ID, 10)
			if err != nil || len(ds) != 1 {
				t.Fatalf("step %d: deliveries %v, %v", i, ds, err)
			}
			if ds[0].Status != step.status || len(rc.posts("/flaky")) != step.posts {
				t.Errorf("step %d: %s after %d posts, want %s after %d", i, ds[0].Status, len(rc.posts("/flaky")), step.status, step.posts)
			}
			if step.status == hook.Pending && (ds[0].LastStatus != 500 || ds[0].LastProblem != hook.ProblemStatus || ds[0].LastError == "") {
				t.Errorf("step %d: last answer %d %q", i, ds[0].LastStatus, ds[0].LastError)
			}
		}
		f := rc.posts("/flaky")
		for _, g := range f {
			verify(t, secretF, g)
			if string(g.body) != string(f[0].body) || g.id != f[0].id {
				t.Errorf("a retry sent other bytes: %s vs %s", g.body, f[0].body)
			}
		}

		// A receiver that is down fails after MaxAttempts and is sent
		// again on request.
		rc.fail["/down"] = 1 << 30
		hD, _, err := w.hooks.Create(ctx, w.office, tokA.ID, hook.Draft{URL: rc.URL + "/down", Events: []hook.Event{hook.ReportReleased}})
		if err != nil {
			t.Fatal(err)
		}
		c2 := w.publish(t, ctx, anping.ID, other.ID)
		w.release(t, ctx, c2.ID)
		if _, err := w.hooks.Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= hook.MaxAttempts; i++ {
			if _, _, err := w.hooks.Deliver(ctx); err != nil {
				t.Fatal(err)
			}
			w.clock.advance(hook.Backoff(i))
		}
		_, _, ds, err := w.hooks.Deliveries(ctx, w.office, hD.ID, 10)
		if err != nil || len(ds) != 1 || ds[0].Status != hook.Failed || ds[0].Attempts != hook.MaxAttempts {
			t.Fatalf("down receiver: %+v, %v", ds, err)
		}
		if got := len(rc.posts("/down")); got != hook.MaxAttempts {
			t.Errorf("down receiver posted %d times, want %d", got, hook.MaxAttempts)
		}
		// The other county's webhook heard of the second cycle, which
		// assesses it too, and of its own report only.
		var bEvents []string
		for _, g := range rc.posts("/b") {
			var p struct{ Data hook.ReportNotice }
			json.Unmarshal(g.body, &p)
			if g.event == "report.released" && p.Data.UnitCode != other.Code {
				t.Errorf("/b heard of %s's report", p.Data.Name)
			}
			bEvents = append(bEvents, g.event)
		}
		if want := []string{"cycle.published", "report.released"}; !slices.Equal(bEvents, want) {
			t.Errorf("/b heard %v, want %v", bEvents, want)
		}
		delete(rc.fail, "/down")
		if err := w.hooks.Redeliver(ctx, w.office, hD.ID, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := w.hooks.Redeliver(ctx, w.office, hD.ID, ds[0].ID); err == nil {
			t.Error("a pending delivery was queued again")
		}
		if _, _, err := w.hooks.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, ds, _ = w.hooks.Deliveries(ctx, w.office, hD.ID, 10); ds[0].Status != hook.Delivered {
			t.Errorf("redelivered: %s", ds[0].Status)
		}

		// A revoked token's pending deliveries fail without a post.
		rc.fail["/a"] = 1
		w.release(t, ctx, w.publish(t, ctx, anping.ID).ID)
		if _, err := w.hooks.Scan(ctx); err != nil {
			t.Fatal(err)
		}
		before := len(rc.posts("/a"))
		if _, _, err := w.hooks.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.auth.RevokeAPIToken(ctx, w.office, tokA.ID); err != nil {
			t.Fatal(err)
		}
		w.clock.advance(time.Hour)
		posted := len(rc.posts("/a"))
		if _, _, err := w.hooks.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(rc.posts("/a")); got != posted || posted == before {
			t.Errorf("posts to /a: %d before, %d while valid, %d after revocation", before, posted, got)
		}
		var failed int
		d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'failed'
			AND last_problem = 'lapsed'`, hA.ID).Scan(&failed)
		if failed == 0 {
			t.Error("the revoked token's pending delivery did not fail")
		}
	})
}

// TestCreateRefused: a webhook is refused, naming the field, for a bad
// address, no or unknown events, events the token cannot read, items it
// does not share; and to anyone but an office over the token's subtree,
// to whom the token is not found.
func TestCreateRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		w := newWorld(t, d)
		anping, other := w.counties[0], w.counties[1]
		results, _, err := w.auth.CreateShareToken(ctx, w.office, "成果", 0,
			auth.Share{System: "市干部管理信息系统", UnitID: anping.ID, Results: true})
		if err != nil {
			t.Fatal(err)
		}
		items, _, err := w.auth.CreateShareToken(ctx, w.office, "数据", 0,
			auth.Share{System: "市大数据局", UnitID: anping.ID, Items: []string{"PM25"}})
		if err != nil {
			t.Fatal(err)
		}
		grant := func(role auth.Role, u *org.Unit) *auth.Actor {
			return &auth.Actor{UserID: 1, Login: "x", Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
		}
		ok := hook.Draft{URL: "https://hr.example.gov.cn/kaohe", Events: []hook.Event{hook.CyclePublished}}
		for _, tc := range []struct {
			name  string
			actor *auth.Actor
			token int64
			d     hook.Draft
			want  string // the field, or the error's code
		}{
			{"no address", w.office, results.ID, hook.Draft{Events: ok.Events}, "url"},
			{"ftp", w.office, results.ID, hook.Draft{URL: "ftp://x/y", Events: ok.Events}, "url"},
			{"relative", w.office, results.ID, hook.Draft{URL: "/hook", Events: ok.Events}, "url"},
			{"credentials", w.office, results.ID, hook.Draft{URL: "https://u:p@x/y", Events: ok.Events}, "url"},
			{"no event", w.office, results.ID, hook.Draft{URL: ok.URL}, "events"},
			{"unknown event", w.office, results.ID, hook.Draft{URL: ok.URL, Events: []hook.Event{"cycle.deleted"}}, "events"},
			{"values without items", w.office, results.ID, hook.Draft{URL: ok.URL, Events: []hook.Event{hook.ValueChanged}}, "events"},
			{"results without results", w.office, items.ID, ok, "events"},
			{"item not shared", w.office, items.ID, hook.Draft{URL: ok.URL, Events: []hook.Event{hook.ValueChanged}, Items: []string{"GDP_GROWTH"}}, "items"},
			{"items without values", w.office, results.ID, hook.Draft{URL: ok.URL, Events: ok.Events, Items: []string{"PM25"}}, "items"},
			{"viewer", grant(auth.RoleViewer, anping), results.ID, ok, "forbidden"},
			{"cadre", grant(auth.RoleCadre, anping), results.ID, ok, "forbidden"},
			{"office of another county", grant(auth.RoleOffice, other), results.ID, ok, "not_found"},
			{"no such token", w.office, 42, ok, "not_found"},
			{"signed out", nil, results.ID, ok, "unauthorized"},
		} {
			_, _, err := w.hooks.Create(ctx, tc.actor, tc.token, tc.d)
			var e *errs.Error
			if !errors.As(err, &e) || (e.Field != tc.want && string(e.Code) != tc.want) {
				var l errs.List
				if errors.As(err, &l) && len(l) > 0 && l[0].Field == tc.want {
					continue
				}
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
			}
		}
		if _, _, err := w.hooks.Create(ctx, grant(auth.RoleOffice, anping), results.ID, ok); err != nil {
			t.Errorf("the county's own office: %v", err)
		}
		// Nor may another county's office read or change its webhooks.
		out := grant(auth.RoleOffice, other)
		if _, _, err := w.hooks.Webhooks(ctx, out, results.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("list from outside: %v", err)
		}
		_, hs, err := w.hooks.Webhooks(ctx, w.office, results.ID)
		if err != nil || len(hs) != 1 {
			t.Fatalf("list: %v, %v", hs, err)
		}
		if _, _, _, err := w.hooks.Deliveries(ctx, out, hs[0].ID, 10); !errs.Is(err, errs.NotFound) {
			t.Errorf("deliveries from outside: %v", err)
		}
		if _, err := w.hooks.Delete(ctx, out, hs[0].ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("delete from outside: %v", err)
		}
		if _, err := w.hooks.Delete(ctx, w.office, hs[0].ID); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
}
