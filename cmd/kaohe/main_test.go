package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/db"
)

// runKaohe runs the command line in-process and returns its exit status,
// standard output and standard error.
func runKaohe(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestBadInvocation(t *testing.T) {
	dir := t.TempDir()
	newer := filepath.Join(dir, "newer.db")
	ctx := context.Background()
	d, err := db.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
		t.Fatal(err)
	}
	d.Close()

	tests := []struct {
		name string
		args []string
		want string // a fragment of the one-line message
	}{
		{"no command", nil, "Usage: kaohe <command>"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"migrate", "--nope"}, "flag provided but not defined: -nope"},
		{"extra argument", []string{"migrate", "--db", filepath.Join(dir, "a.db"), "extra"}, `unexpected argument "extra"`},
		{"unknown dsn kind", []string{"migrate", "--db", "mysql://root@localhost/kaohe"}, "unknown database address"},
		{"unreachable sqlite", []string{"migrate", "--db", filepath.Join(dir, "missing", "k.db")}, "check --db or KAOHE_DB"},
		{"unreachable postgres", []string{"migrate", "--db", "postgres://nobody@127.0.0.1:1/kaohe?connect_timeout=2"}, "check --db or KAOHE_DB"},
		{"schema newer than binary", []string{"migrate", "--db", newer}, "upgrade kaohe"},
		{"serve unreachable", []string{"serve", "--db", "mysql://x"}, "unknown database address"},
		{"serve with a bad sanction period", []string{"serve", "--db", filepath.Join(dir, "b.db"), "--addr", "127.0.0.1:0",
			"--sanction-periods", "warning=6,investigation=3"}, "check --sanction-periods or KAOHE_SANCTION_PERIODS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runKaohe(t, tt.args...)
			if code != 2 {
				t.Errorf("got exit status %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("got stderr %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestMigrateAndVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	t.Setenv("KAOHE_DB", path)
	code, stdout, stderr := runKaohe(t, "migrate")
	if code != 0 {
		t.Fatalf("migrate: got exit %d (%s), want 0", code, stderr)
	}
	if !strings.Contains(stdout, "schema at version") {
		t.Errorf("got %q, want the schema version", stdout)
	}
	code, stdout, _ = runKaohe(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "kaohe ") {
		t.Errorf("version: got %d %q, want 0 and kaohe …", code, stdout)
	}
	for _, c := range commands() {
		code, _, stderr := runKaohe(t, c.name, "-h")
		if code != 0 || !strings.Contains(stderr, "Usage: kaohe "+c.name) {
			t.Errorf("%s -h: got exit %d, stderr %q; want 0 and its usage", c.name, code, stderr)
		}
	}
}
