package cycle_test

import (
	"context"
	"io"
	"kaohe/internal/sources"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// bigWorldFile caches the 100,000-cadre world between benchmark runs: it
// takes minutes to build and is copied for each run.
var bigWorldFile = filepath.Join(os.TempDir(), "kaohe-cycle-bench-100k-v2.db")

// bigWorld is 2,000 counties × 50 cadres = 100,000 cadres in 20 categories
// of 5,000, with 40 indicators and about 3.9 million values, on SQLite.
func bigWorld(b *testing.B) *world {
	b.Helper()
	ctx := context.Background()
	const units, per, groups, indicators = 2000, 50, 20, 40
	if _, err := os.Stat(bigWorldFile); err != nil {
		start := time.Now()
		tmp := bigWorldFile + ".tmp"
		os.Remove(tmp)
		d, err := db.Open(ctx, "sqlite:"+tmp)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		newWorld(b, d, units, per, groups, indicators)
		if _, err := d.SQL.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		d.Close()
		if err := os.Rename(tmp, bigWorldFile); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", bigWorldFile, time.Since(start))
	}
	path := filepath.Join(b.TempDir(), "kaohe.db")
	src, err := os.Open(bigWorldFile)
	if err != nil {
		b.Fatal(err)
	}
	dst, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	src.Close()
	dst.Close()
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	w := &world{d: d, svc: cycle.NewService(d, auth.Policy{}, sources.Cycle()), in: score.Synth(units*per, indicators, groups, 7)}
	if err := d.SQL.QueryRow(`SELECT id, path FROM units WHERE parent_id IS NULL`).Scan(&w.city.id, &w.city.path); err != nil {
		b.Fatal(err)
	}
	if err := d.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id WHERE s.code = 'cadre'`).Scan(&w.version); err != nil {
		b.Fatal(err)
	}
	rows, err := d.SQL.Query(`SELECT id FROM people ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var p personRow
		rows.Scan(&p.id)
		w.people = append(w.people, p)
	}
	rows.Close()
	return w
}

// BenchmarkRun100k: score a 100,000-cadre cycle end to end on SQLite —
// load the inputs, compute with 200 Monte Carlo draws, store the snapshot.
// Budget: 15 s. Run with -benchtime=1x -timeout=60m (the first run builds
// the world, which takes minutes).
func BenchmarkRun100k(b *testing.B) {
	w := bigWorld(b)
	ctx := context.Background()
	c := w.advance(b, w.cycle(b, "big", cycle.Annual, "2025", func(c *cycle.Cycle) { c.Draws = cycle.DefaultDraws }), cycle.Scoring)
	// The phases once, for the log; the benchmark times Run alone.
	t0 := time.Now()
	in, err := w.svc.Load(ctx, sys, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	t1 := time.Now()
	if _, err := score.Compute(in.Input); err != nil {
		b.Fatal(err)
	}
	b.Logf("phases: load %v, compute %v; %d entities × %d columns", t1.Sub(t0), time.Since(t1), len(in.Input.Entities), len(in.Input.Values.Cols))
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.svc.Run(ctx, sys, c.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResults100k: the ranking of a 5,000-cadre category (one page
// of 100 and the whole category) and a profile, at the 100,000 scale.
func BenchmarkResults100k(b *testing.B) {
	w := bigWorld(b)
	ctx := context.Background()
	c := w.advance(b, w.cycle(b, "big", cycle.Annual, "2025", func(c *cycle.Cycle) { c.Draws = cycle.DefaultDraws }), cycle.Published)
	office := &auth.Actor{UserID: 9, Login: "u9", Name: "u9", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: w.city.id, UnitPath: w.city.path}}}
	entity := idStr(w.people[4321].id)
	b.Run("ranking-page", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.Ranking(ctx, office, c.ID, cycle.RankFilter{Group: "G07", Limit: 100}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ranking-all", func(b *testing.B) {
		for b.Loop() {
			rk, err := w.svc.Ranking(ctx, office, c.ID, cycle.RankFilter{Group: "G07"})
			if err != nil || len(rk.Rows) != 5000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("dashboard", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.Dashboard(ctx, office, c.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("profile", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.Profile(ctx, office, c.ID, entity); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDashboard100k: the dashboard of a 100,000-cadre cycle in the
// collecting stage, where it shows the collection completeness (40 items
// × 100,000 cadres) and what blocks the next stage. Budget: 50 ms (the
// page budget). The log gives the time of making the cycle, which counts
// the values present once (cycle_item_values).
func BenchmarkDashboard100k(b *testing.B) {
	w := bigWorld(b)
	ctx := context.Background()
	t0 := time.Now()
	c := w.cycle(b, "dash", cycle.Annual, "2025", nil)
	b.Logf("create with the collection counts: %v", time.Since(t0))
	c = w.advance(b, c, cycle.Collecting)
	office := &auth.Actor{UserID: 9, Login: "u9", Name: "u9", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: w.city.id, UnitPath: w.city.path}}}
	b.ResetTimer()
	for b.Loop() {
		d, err := w.svc.Dashboard(ctx, office, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		if !d.CompletenessKnown || d.Completeness.Expected != 4_000_000 || d.Completeness.Filled == 0 {
			b.Fatalf("completeness %+v", d.Completeness)
		}
	}
}
