package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/db"
)

// cliDB makes a migrated SQLite file with a city (C) and a county (X) and
// returns its --db value.
func cliDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "kaohe.db")
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, parent_id, path, code, name, kind, level, created_at, updated_at) VALUES (2, NULL, '/2/', 'C', '市', 'region', 'city', 0, 0)`,
		`INSERT INTO units (id, parent_id, path, code, name, kind, level, created_at, updated_at) VALUES (3, 2, '/2/3/', 'X', '县', 'region', 'county', 0, 0)`,
	} {
		if _, err := d.SQL.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return dsn
}

// kaohe runs a kaohe command and returns its exit status and output.
func kaohe(t *testing.T, fn func(context.Context, []string, io.Writer, io.Writer) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := fn(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUserCommand(t *testing.T) {
	dsn := cliDB(t)
	code, out, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", "office", "--name", "考核办", "--role", "office", "--unit", "C")
	if code != 0 || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: exit %d, %q %q; want 0 and a generated password", code, out, errOut)
	}
	code, _, errOut = kaohe(t, runUser, "add", "--db", dsn, "--login", "v", "--name", "v", "--role", "viewer", "--unit", "X", "--password", "long enough password")
	if code != 0 {
		t.Fatalf("user add with password: exit %d, %q", code, errOut)
	}
	if code, _, errOut = kaohe(t, runUser, "grant", "--db", dsn, "--login", "v", "--role", "team", "--unit", "C"); code != 0 {
		t.Fatalf("user grant: exit %d, %q", code, errOut)
	}
	code, out, errOut = kaohe(t, runUser, "reset", "--db", dsn, "--login", "V")
	if code != 0 || !strings.Contains(out, "password: ") {
		t.Fatalf("user reset: exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = kaohe(t, runUser, "list", "--db", dsn)
	if code != 0 || !strings.Contains(out, "office@C") || !strings.Contains(out, "team@C viewer@X") {
		t.Errorf("user list: exit %d, %q", code, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "--login", "x", "--name", "x", "--role", "rater", "--unit", "C"}, `unknown role "rater"`},
		{[]string{"add", "--login", "x", "--name", "x", "--role", "office", "--unit", "NOPE"}, "unknown unit NOPE"},
		{[]string{"add", "--login", "x", "--name", "x", "--role", "office"}, "--unit is required"},
		{[]string{"grant", "--login", "nobody", "--role", "office", "--unit", "C"}, "nobody: no such user"},
		{[]string{"frobnicate"}, `unknown subcommand "frobnicate"`},
	} {
		code, _, errOut := kaohe(t, runUser, append(tt.args, "--db", dsn)...)
		if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && tt.args[0] != "frobnicate" {
			t.Errorf("user %v: exit %d, %q; want 2 and one line with %q", tt.args, code, errOut, tt.want)
		}
	}
	code, _, errOut = kaohe(t, runUser, "add", "--db", dsn, "--login", "OFFICE", "--name", "x", "--role", "office", "--unit", "C")
	if code != 1 || !strings.Contains(errOut, "taken") {
		t.Errorf("taken login: exit %d, %q; want 1", code, errOut)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	dsn := cliDB(t)
	for _, login := range []string{"a", "b", "c"} {
		if code, _, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", login, "--name", login, "--role", "office", "--unit", "X"); code != 0 {
			t.Fatalf("user add: %q", errOut)
		}
	}
	code, out, errOut := kaohe(t, runAudit, "verify", "--db", dsn)
	if code != 0 || !strings.HasPrefix(out, "OK: 3 rows verified; head ") {
		t.Fatalf("verify: exit %d, %q %q; want 0 and OK with 3 rows", code, out, errOut)
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL.Exec(`UPDATE audit_log SET after_json = '{"login":"mallory"}' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	code, out, errOut = kaohe(t, runAudit, "verify", "--db", dsn)
	if code != 1 || !strings.Contains(errOut, "broken at seq 2") || out != "" {
		t.Errorf("verify after tampering: exit %d, %q %q; want 1 naming seq 2", code, out, errOut)
	}
	if code, _, _ := kaohe(t, runAudit, "check"); code != 2 {
		t.Errorf("audit check: exit %d, want 2", code)
	}
}
