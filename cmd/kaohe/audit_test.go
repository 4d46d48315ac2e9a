package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/audit"
	"kaohe/internal/db"
)

// TestAuditCheckpointCommands makes a key, checkpoints the log and verifies
// against it; then deletes the whole log and moves the head back, which
// the chain alone cannot see: verify fails on the empty log of a database
// with accounts, and names the first missing row against the checkpoint.
func TestAuditCheckpointCommands(t *testing.T) {
	dsn := cliDB(t)
	dir := t.TempDir()
	key, cps := filepath.Join(dir, "audit.key"), filepath.Join(dir, "checkpoints")
	for _, login := range []string{"a", "b"} {
		if code, _, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", login, "--name", login, "--role", "office", "--unit", "X"); code != 0 {
			t.Fatalf("user add: %q", errOut)
		}
	}
	if code, out, errOut := kaohe(t, runAudit, "keygen", "--audit-key", key); code != 0 || !strings.Contains(out, key+".pub") {
		t.Fatalf("keygen: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runAudit, "keygen", "--audit-key", key); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("keygen over a key: exit %d, %q; want 1", code, errOut)
	}
	if code, out, errOut := kaohe(t, runAudit, "checkpoint", "--db", dsn, "--audit-checkpoints", cps, "--audit-key", key); code != 0 || !strings.HasPrefix(out, "checkpoint: seq 2, head ") {
		t.Fatalf("checkpoint: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runAudit, "checkpoint", "--db", dsn, "--audit-checkpoints", cps, "--audit-key", key+".pub"); code != 2 || !strings.Contains(errOut, "cannot sign") {
		t.Errorf("checkpoint with the public key: exit %d, %q; want 2", code, errOut)
	}
	verify := []string{"verify", "--db", dsn, "--audit-checkpoints", cps, "--audit-key", key + ".pub"}
	if code, out, errOut := kaohe(t, runAudit, verify...); code != 0 || !strings.Contains(out, "OK: 2 rows verified") || !strings.Contains(out, "matches 1 checkpoints") {
		t.Fatalf("verify: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runAudit, "verify", "--db", dsn, "--audit-checkpoints", cps); code != 2 || !strings.Contains(errOut, "go together") {
		t.Errorf("verify with checkpoints and no key: exit %d, %q; want 2", code, errOut)
	}

	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM audit_log`, `UPDATE audit_head SET seq = 0, hash = '` + audit.Genesis + `'`} {
		if _, err := d.SQL.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()
	if code, out, errOut := kaohe(t, runAudit, "verify", "--db", dsn); code != 1 || out != "" || !strings.Contains(errOut, "the audit log is empty but the database has user accounts") {
		t.Errorf("verify of a deleted log: exit %d, %q %q; want 1", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runAudit, verify...); code != 1 || !strings.Contains(errOut, "broken at seq 1: rows missing from the end") {
		t.Errorf("verify of a deleted log against the checkpoint: exit %d, %q; want 1 naming seq 1", code, errOut)
	}
}

// TestBackupRestoreCommands backs a database up, restores it into a new
// file, and verifies the restored log.
func TestBackupRestoreCommands(t *testing.T) {
	dsn := cliDB(t)
	if code, _, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", "a", "--name", "a", "--role", "office", "--unit", "X"); code != 0 {
		t.Fatalf("user add: %q", errOut)
	}
	dir := filepath.Join(t.TempDir(), "b")
	if code, out, errOut := kaohe(t, runBackup, "--db", dsn, "--out", dir); code != 0 || !strings.Contains(out, "kaohe.db: ") {
		t.Fatalf("backup: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runBackup, "--db", dsn); code != 2 || !strings.Contains(errOut, "--out is required") {
		t.Errorf("backup without --out: exit %d, %q", code, errOut)
	}
	target := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	if code, out, errOut := kaohe(t, runRestore, "--db", target, "--from", dir); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := kaohe(t, runRestore, "--db", target, "--from", dir); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("restore over a database: exit %d, %q; want 1", code, errOut)
	}
	if code, out, errOut := kaohe(t, runAudit, "verify", "--db", target); code != 0 || !strings.HasPrefix(out, "OK: 1 rows verified") {
		t.Errorf("verify the restored log: exit %d, %q %q", code, out, errOut)
	}
}
