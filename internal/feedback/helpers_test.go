package feedback_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/feedback"
	"kaohe/internal/org"
	"kaohe/internal/sources"
)

// fixture is the demo jurisdiction (scale 1) on a test clock: its
// published 2024 cycle of the county teams has no reports yet.
type fixture struct {
	d      *db.DB
	clock  *dbtest.Clock
	svc    *feedback.Service
	cycles *cycle.Service
	actors map[string]*auth.Actor // by login
	// cycleID is qingzhou-county-2024; county 清河区 (910102), whose
	// cadre ganbu is.
	cycleID, county int64
	// other is a county team of the cycle that is not 清河区.
	other string
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, clock: dbtest.NewClock(), actors: map[string]*auth.Actor{}}
	d.Clock = f.clock.Now
	sum, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		t.Fatalf("build demo: %v", err)
	}
	f.cycles = cycle.NewService(d, auth.Policy{}, sources.Cycle())
	f.svc = feedback.NewService(d, auth.Policy{}, f.cycles, collect.NewService(d, auth.Policy{}))
	as := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
	for _, l := range sum.Logins {
		_, a, err := as.SignIn(ctx, l.Login, l.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("sign in %s: %v", l.Login, err)
		}
		f.actors[l.Login] = a
	}
	for q, dst := range map[string]*int64{
		`SELECT id FROM cycles WHERE code = 'qingzhou-county-2024'`: &f.cycleID,
		`SELECT id FROM units WHERE code = '910102'`:                &f.county,
	} {
		if err := d.SQL.QueryRow(q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := d.SQL.QueryRow(`SELECT e.name FROM cycle_entities e WHERE e.cycle_id = $1 AND e.unit_id <> $2 ORDER BY e.entity LIMIT 1`,
		f.cycleID, f.county).Scan(&f.other); err != nil {
		t.Fatal(err)
	}
	return f
}

// reportOf returns the ID of the current report of the unit named name.
func (f *fixture) reportOf(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := f.d.SQL.QueryRow(`SELECT r.id FROM feedback_reports r JOIN cycles c ON c.id = r.cycle_id AND c.published_snapshot_id = r.snapshot_id
		WHERE r.cycle_id = $1 AND r.name = $2`, f.cycleID, name).Scan(&id); err != nil {
		t.Fatalf("report of %s: %v", name, err)
	}
	return id
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// openTasks returns the IDs of the open tasks of unit's team that a
// handover of its post would pass on.
func (f *fixture) openTasks(t *testing.T, unit int64) []int64 {
	t.Helper()
	var ids []int64
	err := f.d.View(context.Background(), func(tx *db.Tx) error {
		ts, err := feedback.OpenTasksOfPost(context.Background(), tx, unit, 0)
		for _, x := range ts {
			ids = append(ids, x.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
