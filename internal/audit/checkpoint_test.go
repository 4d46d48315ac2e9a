package audit_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// rehash recomputes the hashes of the rows from seq on and the head, as
// someone with write access to the database would after editing a row.
func rehash(t *testing.T, d *db.DB, from int64) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.SQL.QueryContext(ctx, `SELECT seq, at, actor_id, actor, action, object_type, object_id, unit_path,
		before_json, after_json, reason FROM audit_log WHERE seq >= $1 ORDER BY seq`, from)
	if err != nil {
		t.Fatal(err)
	}
	var es []audit.Entry
	for rows.Next() {
		var (
			e  audit.Entry
			at int64
		)
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.UnitPath, &e.Before, &e.After, &e.Reason); err != nil {
			t.Fatal(err)
		}
		e.At = time.UnixMicro(at)
		es = append(es, e)
	}
	rows.Close()
	var prev string
	if err := d.SQL.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, from-1).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		exec(t, d, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
	}
	exec(t, d, `UPDATE audit_head SET seq = (SELECT MAX(seq) FROM audit_log), hash = $1 WHERE id = 1`, prev)
}

// TestCheckpointsCatchRewrites attacks the log as someone who can write the
// database but not the checkpoint file or its key: each rewrite keeps the
// chain and its head consistent, so Verify alone passes, and the
// checkpoints taken before name the first row that differs. A checkpoint
// file that was edited, or lost a line, does not read.
func TestCheckpointsCatchRewrites(t *testing.T) {
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, d *db.DB)
		seq    int64
		reason string
	}{
		{"untouched", func(*testing.T, *db.DB) {}, 0, ""},
		{"the last rows cut and the head moved back", func(t *testing.T, d *db.DB) {
			exec(t, d, `DELETE FROM audit_log WHERE seq > 3`)
			rehash(t, d, 3)
		}, 4, "rows missing from the end"},
		{"the whole log deleted", func(t *testing.T, d *db.DB) {
			exec(t, d, `DELETE FROM audit_log`)
			exec(t, d, `UPDATE audit_head SET seq = 0, hash = $1 WHERE id = 1`, audit.Genesis)
		}, 1, "rows missing from the end"},
		{"a row edited and the chain rehashed from it", func(t *testing.T, d *db.DB) {
			exec(t, d, `UPDATE audit_log SET after_json = '{"name":"篡改"}' WHERE seq = 4`)
			rehash(t, d, 4)
		}, 5, "rewritten"},
		{"a middle row deleted", func(t *testing.T, d *db.DB) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 2`)
		}, 2, "row missing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				dir := t.TempDir()
				keyPath, cpPath := filepath.Join(dir, "audit.key"), filepath.Join(dir, "checkpoints.jsonl")
				if err := audit.GenerateKey(keyPath); err != nil {
					t.Fatal(err)
				}
				if err := audit.GenerateKey(keyPath); err == nil {
					t.Fatal("GenerateKey overwrote a key")
				}
				key, err := audit.LoadKey(keyPath)
				if err != nil {
					t.Fatal(err)
				}
				pub, err := audit.LoadPublicKey(keyPath + ".pub")
				if err != nil {
					t.Fatal(err)
				}
				record(t, d, 3)
				for range 2 { // the second finds the head where it was and writes nothing
					if _, err := audit.WriteCheckpoint(ctx, d, cpPath, key); err != nil {
						t.Fatal(err)
					}
				}
				record(t, d, 2)
				if c, err := audit.WriteCheckpoint(ctx, d, cpPath, key); err != nil || c.Seq != 5 {
					t.Fatalf("second checkpoint: %+v, %v", c, err)
				}
				tt.tamper(t, d)
				cps, err := audit.ReadCheckpoints(cpPath, pub)
				if err != nil || len(cps) != 2 {
					t.Fatalf("ReadCheckpoints: %d, %v; want 2", len(cps), err)
				}
				_, err = audit.Verify(ctx, d)
				if err == nil {
					err = audit.VerifyCheckpoints(ctx, d, cps)
				}
				var b *audit.BrokenError
				switch {
				case tt.seq == 0 && err != nil:
					t.Fatalf("an untouched log: %v", err)
				case tt.seq == 0:
				case !errors.As(err, &b) || b.Seq != tt.seq || !strings.Contains(b.Reason, tt.reason):
					t.Fatalf("got %v, want broken at seq %d (%s)", err, tt.seq, tt.reason)
				}
			})
		})
	}
}

// TestCheckpointFileTampering edits the checkpoint file: a changed line
// fails its signature, a removed line breaks the link of the next, and a
// key other than the signer's fails every line.
func TestCheckpointFileTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		keyPath, cpPath, other := filepath.Join(dir, "k"), filepath.Join(dir, "cp"), filepath.Join(dir, "other")
		for _, p := range []string{keyPath, other} {
			if err := audit.GenerateKey(p); err != nil {
				t.Fatal(err)
			}
		}
		key, _ := audit.LoadKey(keyPath)
		pub, _ := audit.LoadPublicKey(keyPath)
		otherPub, _ := audit.LoadPublicKey(other + ".pub")
		for range 3 {
			record(t, d, 1)
			if _, err := audit.WriteCheckpoint(ctx, d, cpPath, key); err != nil {
				t.Fatal(err)
			}
		}
		raw, err := os.ReadFile(cpPath)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(strings.TrimSuffix(string(raw), "\n"), "\n")
		for _, tt := range []struct {
			name, file string
			pub        []byte
			want       string
		}{
			{"a seq changed", strings.Replace(string(raw), `"seq":2`, `"seq":1`, 1), pub, "line 2: the signature does not hold"},
			{"a line removed", lines[0] + lines[2], pub, "line 2: does not follow the line before"},
			{"another key", string(raw), otherPub, "line 1: the signature does not hold"},
		} {
			p := filepath.Join(dir, "t")
			if err := os.WriteFile(p, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := audit.ReadCheckpoints(p, tt.pub); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
			}
		}
	})
}

// TestKeepCheckpoints runs the server's checkpoint loop: one checkpoint at
// the start, and one at the end for what was recorded meanwhile.
func TestKeepCheckpoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dir := t.TempDir()
		keyPath, cpPath := filepath.Join(dir, "k"), filepath.Join(dir, "cp")
		if err := audit.GenerateKey(keyPath); err != nil {
			t.Fatal(err)
		}
		key, _ := audit.LoadKey(keyPath)
		record(t, d, 1)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			audit.KeepCheckpoints(ctx, d, cpPath, key, time.Hour, func(err error) { t.Error(err) })
		}()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if cps, err := audit.ReadCheckpoints(cpPath, key.Public().(ed25519.PublicKey)); err == nil && len(cps) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no checkpoint at the start")
			}
		}
		record(t, d, 2)
		stop()
		<-done
		cps, err := audit.ReadCheckpoints(cpPath, key.Public().(ed25519.PublicKey))
		if err != nil || len(cps) != 2 || cps[0].Seq != 1 || cps[1].Seq != 3 {
			t.Fatalf("checkpoints: %+v, %v; want seq 1 then 3", cps, err)
		}
	})
}
