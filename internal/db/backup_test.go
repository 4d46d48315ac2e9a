package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// restoreTarget returns the address of a new, empty database of the
// engine of d: a new SQLite file, or a new PostgreSQL database (dropped at
// the end) whose search_path is the schema the backup holds.
func restoreTarget(t *testing.T, d *db.DB, schema string) string {
	t.Helper()
	if d.Engine == db.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "restored.db")
	}
	admin, err := sql.Open("pgx", os.Getenv("KAOHE_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "r_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", os.Getenv("KAOHE_TEST_POSTGRES"))
		if err == nil {
			a.Exec("DROP DATABASE " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, _ := url.Parse(os.Getenv("KAOHE_TEST_POSTGRES"))
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestBackupRestoreDrill backs the database up while writes go on, each
// write a row and its audit event in one transaction; restores it into an
// empty database; and checks that the audit chain verifies there, that
// every row has its event (one consistent snapshot), and that every write
// acknowledged before the backup started is present. A damaged file and a
// target that is not empty are refused before anything is written.
func TestBackupRestoreDrill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var (
			mu    sync.Mutex
			acked []string
			stop  = make(chan struct{})
			done  = make(chan error, 1)
		)
		write := func(i int) error {
			key := fmt.Sprintf("drill.%05d", i)
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, 'x')`, key); err != nil {
					return err
				}
				return audit.Record(ctx, tx, audit.Event{Actor: "system:drill", Action: "setting.write", ObjectType: "setting", ObjectID: key})
			})
			if err == nil {
				mu.Lock()
				acked = append(acked, key)
				mu.Unlock()
			}
			return err
		}
		for i := range 50 {
			if err := write(i); err != nil {
				t.Fatal(err)
			}
		}
		go func() {
			for i := 50; ; i++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if err := write(i); err != nil {
					done <- err
					return
				}
			}
		}()
		// The backup starts while the writer is writing.
		var before []string
		for len(before) < 60 {
			mu.Lock()
			before = append(before[:0], acked...)
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
		dir := filepath.Join(t.TempDir(), "backup")
		m, err := d.Backup(ctx, dir)
		close(stop)
		if werr := <-done; werr != nil {
			t.Fatal(werr)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Backup(ctx, dir); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("a backup into a used directory: %v", err)
		}
		if m.SchemaVersion == 0 || len(m.Files) != 1 || m.Files[0].Size == 0 {
			t.Fatalf("manifest: %+v", m)
		}

		// A damaged copy is refused.
		bad := filepath.Join(t.TempDir(), "bad")
		if err := os.CopyFS(bad, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(bad, m.Files[0].Name)
		raw, _ := os.ReadFile(p)
		raw[len(raw)/2] ^= 1
		os.WriteFile(p, raw, 0o600)
		if _, err := db.Restore(ctx, restoreTarget(t, d, m.Schema), bad); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("restore of a damaged backup: %v", err)
		}

		target := restoreTarget(t, d, m.Schema)
		if _, err := db.Restore(ctx, target, dir); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Restore(ctx, target, dir); err == nil {
			t.Error("a restore over a restored database")
		}
		r, err := db.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if cur, _, err := r.SchemaVersion(ctx); err != nil || cur != m.SchemaVersion {
			t.Fatalf("restored schema version %d, %v; want %d", cur, err, m.SchemaVersion)
		}
		rows, err := audit.Verify(ctx, r)
		if err != nil {
			t.Fatalf("audit verify on the restored database: %v", err)
		}
		var n int
		if err := r.SQL.QueryRow(`SELECT COUNT(*) FROM settings WHERE key LIKE 'drill.%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if int64(n) != rows {
			t.Fatalf("restored %d rows and %d audit events: not one snapshot", n, rows)
		}
		for _, key := range before {
			var v string
			if err := r.SQL.QueryRow(`SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
				t.Fatalf("%s, acknowledged before the backup, is not in it: %v", key, err)
			}
		}
		t.Logf("%d writes acknowledged before the backup, %d in it", len(before), n)
	})
}
