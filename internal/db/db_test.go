package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn    string
		engine db.Engine
		source string
		err    bool
	}{
		{"", db.SQLite, "kaohe.db", false},
		{"sqlite:/var/lib/kaohe/k.db", db.SQLite, "/var/lib/kaohe/k.db", false},
		{"sqlite:///tmp/k.db", db.SQLite, "/tmp/k.db", false},
		{"data/k.db", db.SQLite, "data/k.db", false},
		{"postgres://u:p@127.0.0.1:5432/kaohe", db.Postgres, "postgres://u:p@127.0.0.1:5432/kaohe", false},
		{"postgresql://127.0.0.1/kaohe", db.Postgres, "postgresql://127.0.0.1/kaohe", false},
		{"mysql://root@localhost/kaohe", "", "", true},
		{"sqlite:", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			got, err := db.ParseDSN(tt.dsn)
			if tt.err {
				if !errors.Is(err, db.ErrDSN) {
					t.Fatalf("got error %v, want ErrDSN", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Engine != tt.engine || got.Source != tt.source {
				t.Errorf("got %+v, want %s %s", got, tt.engine, tt.source)
			}
		})
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{
		"sqlite:" + filepath.Join(t.TempDir(), "no-such-dir", "k.db"),
		"postgres://nobody@127.0.0.1:1/kaohe?connect_timeout=2",
	} {
		_, err := db.Open(ctx, dsn)
		if !errors.Is(err, db.ErrUnreachable) {
			t.Errorf("Open(%q): got %v, want ErrUnreachable", dsn, err)
		}
	}
}

func TestMigrate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		current, known, err := d.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if current != known || known < 1 {
			t.Fatalf("got version %d of %d, want fully migrated", current, known)
		}
		n, err := d.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate: got %d applied, %v; want 0, nil", n, err)
		}
		// A database migrated by a newer binary is refused.
		if _, err := d.SQL.ExecContext(ctx,
			`INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, known+1); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(ctx); !errors.Is(err, db.ErrSchemaNewer) {
			t.Fatalf("got %v, want ErrSchemaNewer", err)
		}
	})
}

func TestTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := dbtest.NewClock()
		d.Clock = clock.Now
		var now time.Time
		err := d.InTx(ctx, func(tx *db.Tx) error {
			now = tx.Now
			return db.SetSetting(ctx, tx, "k", "v1")
		})
		if err != nil {
			t.Fatal(err)
		}
		if !now.Equal(dbtest.Epoch) {
			t.Errorf("got Now %v, want %v", now, dbtest.Epoch)
		}
		// An error rolls the whole transaction back.
		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if err := db.SetSetting(ctx, tx, "k", "v2"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		err = d.View(ctx, func(tx *db.Tx) error {
			v, ok, err := db.Setting(ctx, tx, "k")
			if err != nil {
				return err
			}
			if !ok || v != "v1" {
				t.Errorf("got %q %v, want v1 after rollback", v, ok)
			}
			_, ok, err = db.Setting(ctx, tx, "absent")
			if ok || err != nil {
				t.Errorf("absent setting: got %v %v, want false nil", ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestNewIDIncreases(t *testing.T) {
	prev := db.NewID()
	for range 10000 {
		id := db.NewID()
		if id <= prev {
			t.Fatalf("got %d after %d, want increasing", id, prev)
		}
		prev = id
	}
}
