package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// record writes n events, one transaction each, in units /1/2/ and /1/3/ by turns.
func record(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		unit := []string{"/1/2/", "/1/3/"}[i%2]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{
				ActorID: int64(100 + i%3), Actor: fmt.Sprintf("user%d", i%3),
				Action: []string{"unit.create", "unit.update", "person.create"}[i%3], ObjectType: "unit",
				ObjectID: fmt.Sprint(i), UnitPath: unit,
				Before: map[string]any{"name": fmt.Sprintf("旧名 %d", i)}, After: map[string]any{"name": fmt.Sprintf("新名 %d", i)},
				Reason: "测试",
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func wantBroken(t *testing.T, d *db.DB, seq int64) {
	t.Helper()
	_, err := audit.Verify(context.Background(), d)
	var b *audit.BrokenError
	if !errors.As(err, &b) {
		t.Fatalf("Verify: got %v, want a broken chain at seq %d", err, seq)
	}
	if b.Seq != seq {
		t.Fatalf("Verify: got broken at seq %d (%v), want %d", b.Seq, err, seq)
	}
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.SQL.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rows, err := audit.Verify(ctx, d)
		if err != nil || rows != 0 {
			t.Fatalf("empty log: got %d rows, %v; want 0, nil", rows, err)
		}
		record(t, d, 6)
		rows, err = audit.Verify(ctx, d)
		if err != nil || rows != 6 {
			t.Fatalf("got %d rows, %v; want 6, nil", rows, err)
		}
		var at int64
		if err := d.SQL.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE seq = 1`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if got := time.UnixMicro(at).UTC(); !got.Equal(dbtest.Epoch) {
			t.Errorf("at: got %v, want the transaction's time %v", got, dbtest.Epoch)
		}
	})
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper []string
		want   int64
	}{
		{"changed reason", []string{`UPDATE audit_log SET reason = 'changed' WHERE seq = 3`}, 3},
		{"changed after", []string{`UPDATE audit_log SET after_json = '{"name":"x"}' WHERE seq = 2`}, 2},
		{"changed time", []string{`UPDATE audit_log SET at = at + 1 WHERE seq = 4`}, 4},
		{"changed actor", []string{`UPDATE audit_log SET actor = 'someone' WHERE seq = 1`}, 1},
		{"deleted row", []string{`DELETE FROM audit_log WHERE seq = 3`}, 3},
		{"deleted first row", []string{`DELETE FROM audit_log WHERE seq = 1`}, 1},
		{"deleted last row", []string{`DELETE FROM audit_log WHERE seq = 5`}, 5},
		{"rewound head", []string{`UPDATE audit_head SET seq = 4`}, 5},
		{"swapped order", []string{
			`UPDATE audit_log SET seq = -2 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = -2`,
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				record(t, d, 5)
				for _, q := range tt.tamper {
					exec(t, d, q)
				}
				wantBroken(t, d, tt.want)
			})
		})
	}
}

// A forger who recomputes the altered row's hash breaks the link from the
// row after it; one who also rewrites every later row and the head is not
// detectable from the database alone, which is why the head hash is printed
// for safekeeping elsewhere.
func TestVerifyDetectsRehashedRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 5)
		var en audit.Entry
		var at int64
		err := d.SQL.QueryRowContext(ctx, `SELECT seq, at, actor_id, actor, action, object_type, object_id, unit_path,
			before_json, after_json, reason, prev_hash FROM audit_log WHERE seq = 2`).
			Scan(&en.Seq, &at, &en.ActorID, &en.Actor, &en.Action, &en.ObjectType, &en.ObjectID, &en.UnitPath,
				&en.Before, &en.After, &en.Reason, &en.PrevHash)
		if err != nil {
			t.Fatal(err)
		}
		en.At = time.UnixMicro(at)
		en.Reason = "forged"
		exec(t, d, `UPDATE audit_log SET reason = $1, hash = $2 WHERE seq = 2`, en.Reason, en.ComputeHash())
		wantBroken(t, d, 3)
	})
}

// Concurrent writers append one after another: the sequence has no gap and
// the chain does not fork.
func TestRecordConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 20
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errc <- d.InTx(ctx, func(tx *db.Tx) error {
					if err := audit.Record(ctx, tx, audit.Event{Actor: "system:test", Action: "unit.create",
						ObjectType: "unit", ObjectID: fmt.Sprint(i), UnitPath: "/1/"}); err != nil {
						return err
					}
					// Hold the transaction a moment so that writers overlap.
					time.Sleep(2 * time.Millisecond)
					return audit.Record(ctx, tx, audit.Event{Actor: "system:test", Action: "unit.update",
						ObjectType: "unit", ObjectID: fmt.Sprint(i), UnitPath: "/1/"})
				})
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		rows, err := audit.Verify(ctx, d)
		if err != nil || rows != 2*n {
			t.Fatalf("got %d rows, %v; want %d, nil", rows, err, 2*n)
		}
	})
}

// A rolled-back change leaves no audit row and no gap.
func TestRecordRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 2)
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := audit.Record(ctx, tx, audit.Event{Actor: "a", Action: "unit.delete", ObjectType: "unit"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		record(t, d, 1)
		if rows, err := audit.Verify(ctx, d); err != nil || rows != 3 {
			t.Fatalf("got %d rows, %v; want 3, nil", rows, err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Actor: "a", Action: ""})
		})
		if err == nil {
			t.Error("an event without action: got nil, want an error")
		}
	})
}

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := dbtest.NewClock()
		d.Clock = clock.Now
		for range 2 {
			record(t, d, 5)
			clock.Advance(time.Hour)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Actor: "system:x", Action: "settings.update", ObjectType: "settings"})
		})
		if err != nil {
			t.Fatal(err)
		}
		seqs := func(f audit.Filter) []int64 {
			t.Helper()
			var out []int64
			err := d.View(ctx, func(tx *db.Tx) error {
				es, err := audit.List(ctx, tx, f)
				for _, e := range es {
					out = append(out, e.Seq)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		tests := []struct {
			name string
			f    audit.Filter
			want []int64
		}{
			{"no scope", audit.Filter{}, nil},
			{"all", audit.Filter{Scopes: []string{"/"}}, []int64{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
			{"scope", audit.Filter{Scopes: []string{"/1/3/"}}, []int64{9, 7, 4, 2}},
			{"two scopes", audit.Filter{Scopes: []string{"/1/3/", "/1/2/"}, Limit: 3}, []int64{10, 9, 8}},
			{"other scope", audit.Filter{Scopes: []string{"/1/2/"}}, []int64{10, 8, 6, 5, 3, 1}},
			{"global path only for /", audit.Filter{Scopes: []string{"/1/"}, BeforeSeq: 12, Limit: 1}, []int64{10}},
			{"actor", audit.Filter{Scopes: []string{"/"}, ActorID: 101}, []int64{10, 7, 5, 2}},
			{"actor name", audit.Filter{Scopes: []string{"/"}, Actor: "user0"}, []int64{9, 6, 4, 1}},
			{"action", audit.Filter{Scopes: []string{"/"}, Action: "person.create"}, []int64{8, 3}},
			{"action prefix", audit.Filter{Scopes: []string{"/1/2/"}, Action: "unit."}, []int64{10, 6, 5, 1}},
			{"object", audit.Filter{Scopes: []string{"/"}, ObjectType: "unit", ObjectID: "4"}, []int64{10, 5}},
			{"time", audit.Filter{Scopes: []string{"/"}, From: dbtest.Epoch.Add(time.Hour), To: dbtest.Epoch.Add(2 * time.Hour)}, []int64{10, 9, 8, 7, 6}},
			{"page", audit.Filter{Scopes: []string{"/"}, BeforeSeq: 5, Limit: 2}, []int64{4, 3}},
		}
		for _, tt := range tests {
			if got := seqs(tt.f); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
		// The entry reads back as written.
		err = d.View(ctx, func(tx *db.Tx) error {
			es, err := audit.List(ctx, tx, audit.Filter{Scopes: []string{"/"}, BeforeSeq: 2})
			if err != nil {
				return err
			}
			e := es[0]
			if e.Actor != "user0" || e.ActorID != 100 || e.Action != "unit.create" || e.UnitPath != "/1/2/" ||
				e.Before != `{"name":"旧名 0"}` || e.After != `{"name":"新名 0"}` || e.Reason != "测试" ||
				e.PrevHash != audit.Genesis || e.Hash != e.ComputeHash() || !e.At.Equal(dbtest.Epoch) {
				t.Errorf("got %+v", e)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
