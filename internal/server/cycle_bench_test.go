package server

import (
	"context"
	"io"
	"kaohe/internal/org"
	"kaohe/internal/sources"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// BenchmarkCyclePages100k times the ranking page of a 5,000-cadre
// category (first page of 100 rows, and the whole category exported to
// Excel), a profile page and the cycle dashboard (of the scored cycle, and
// of a second cycle still collecting, which shows the collection
// completeness), over HTTP, at the 100,000-cadre scale. It
// reuses the world BenchmarkRun100k in internal/cycle builds (run that
// first); budget 50 ms per page. Run with -timeout=30m.
func BenchmarkCyclePages100k(b *testing.B) {
	world := filepath.Join(os.TempDir(), "kaohe-cycle-bench-100k-v2.db")
	if _, err := os.Stat(world); err != nil {
		b.Skip("no 100k world: run go test ./internal/cycle -bench Run100k first")
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "kaohe.db")
	src, _ := os.Open(world)
	dst, _ := os.Create(path)
	io.Copy(dst, src)
	src.Close()
	dst.Close()
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	sys := auth.SystemActor("bench")
	var cityID, version int64
	if err := d.SQL.QueryRow(`SELECT id FROM units WHERE parent_id IS NULL`).Scan(&cityID); err != nil {
		b.Fatal(err)
	}
	if err := d.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'cadre'`).Scan(&version); err != nil {
		b.Fatal(err)
	}
	var people []int64
	rows, _ := d.SQL.Query(`SELECT id FROM people ORDER BY id`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	c, err := svc.Create(ctx, sys, cycle.Cycle{Code: "pages", Name: "pages", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
		OwnerUnitID: cityID, SchemeVersionID: version, Period: "2025"}, cycle.Selection{PersonIDs: people})
	if err != nil {
		b.Fatal(err)
	}
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		if c, err = svc.Move(ctx, sys, c.ID, to, ""); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.Run(ctx, sys, c.ID); err != nil {
		b.Fatal(err)
	}
	// A second cycle of the same cadres, still collecting: its dashboard
	// shows the collection completeness.
	open, err := svc.Create(ctx, sys, cycle.Cycle{Code: "collecting", Name: "collecting", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
		OwnerUnitID: cityID, SchemeVersionID: version, Period: "2025"}, cycle.Selection{PersonIDs: people})
	if err != nil {
		b.Fatal(err)
	}
	if open, err = svc.Move(ctx, sys, open.ID, cycle.Collecting, ""); err != nil {
		b.Fatal(err)
	}
	if _, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).AddUser(ctx, sys, auth.NewUser{Login: "office", Name: "考核办", Password: password,
		Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: cityID}}}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: d})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signin", strings.NewReader(url.Values{"login": {"office"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", ts.URL)
	if res, err := cl.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v", err)
	}
	base := ts.URL + "/cycles/" + strconv.FormatInt(c.ID, 10)
	get := func(b *testing.B, u string) {
		res, err := cl.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || n < 1000 {
			b.Fatalf("GET %s: %d, %d bytes", u, res.StatusCode, n)
		}
	}
	b.Run("ranking", func(b *testing.B) {
		for b.Loop() {
			get(b, base+"/ranking?group=G07")
		}
	})
	b.Run("ranking-xlsx", func(b *testing.B) {
		for b.Loop() {
			get(b, base+"/ranking.xlsx?group=G07")
		}
	})
	b.Run("profile", func(b *testing.B) {
		for b.Loop() {
			get(b, base+"/results/"+strconv.FormatInt(people[4321], 10))
		}
	})
	b.Run("dashboard-scored", func(b *testing.B) {
		for b.Loop() {
			get(b, base)
		}
	})
	b.Run("dashboard-collecting", func(b *testing.B) {
		for b.Loop() {
			get(b, ts.URL+"/cycles/"+strconv.FormatInt(open.ID, 10))
		}
	})
}
