package cycle_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// pausing forwards a submission's first values to the cycles' counts and
// then holds the submission's transaction open until released.
type pausing struct {
	cycles  *cycle.Service
	told    chan struct{}
	release chan struct{}
}

func (p pausing) FirstValues(ctx context.Context, tx *db.Tx, fv []collect.FirstValues) error {
	nv := make([]cycle.NewValues, len(fv))
	for i, f := range fv {
		nv[i] = cycle.NewValues{Kind: string(f.Kind), Item: f.Item, Period: f.Period, EntityIDs: f.EntityIDs}
	}
	if err := p.cycles.CountNewValues(ctx, tx, nv); err != nil {
		return err
	}
	close(p.told)
	<-p.release
	return nil
}

// TestCountsWhileCycleIsMade is the race of decision 0083: a submission
// has written first values and looked for the cycles of their period (none
// yet) but not committed, while a cycle of that period is made. The cycle
// must count those values once they commit; without the lock that orders
// the two, it counted before they were visible and nobody counted them.
func TestCountsWhileCycleIsMade(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 2, 3, 1, 4)
		col := w.in.Values.Cols[0]
		if _, err := d.SQL.Exec(`DELETE FROM data_values WHERE item_code = $1`, col); err != nil {
			t.Fatal(err)
		}
		cs := collect.NewService(d, auth.Policy{})
		p := pausing{cycles: w.svc, told: make(chan struct{}), release: make(chan struct{})}
		cs.Listen(p)
		var rows []collect.Row
		for i, pe := range w.people {
			rows = append(rows, collect.Row{Line: i + 2, Entity: "person:" + strconv.FormatInt(pe.id, 10), Item: col, Period: "2025", Value: "7"})
		}
		submitted := make(chan error, 1)
		go func() {
			_, err := cs.Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI, Rows: rows})
			submitted <- err
		}()
		<-p.told
		made := make(chan error, 1)
		var c *cycle.Cycle
		go func() {
			var err error
			c, err = w.svc.Create(ctx, sys, cycle.Cycle{Code: "race", Name: "race", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
				OwnerUnitID: w.city.id, SchemeVersionID: w.version, Period: "2025", Draws: 0}, cycle.Selection{PersonIDs: w.personIDs()})
			made <- err
		}()
		// Give the cycle the time to count before the submission commits,
		// as it did when nothing ordered the two.
		time.Sleep(200 * time.Millisecond)
		close(p.release)
		if err := <-submitted; err != nil {
			t.Fatal(err)
		}
		if err := <-made; err != nil {
			t.Fatal(err)
		}
		dash, err := w.svc.Dashboard(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceCompleteness(t, w, c); dash.Completeness != want {
			t.Fatalf("completeness %+v, want %+v", dash.Completeness, want)
		}
	})
}
