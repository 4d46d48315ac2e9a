package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// counts reads the unit and people counts of the database at path as
// 'kaohe serve' opens it.
func counts(t *testing.T, path string) (units, people int) {
	t.Helper()
	ctx := context.Background()
	d, code := openDB(ctx, path, io.Discard)
	if d == nil {
		t.Fatalf("open %s: exit %d", path, code)
	}
	defer d.Close()
	if err := d.SQL.QueryRow(`SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM people)`).Scan(&units, &people); err != nil {
		t.Fatal(err)
	}
	return units, people
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kaohe.db")
	code, stdout, stderr := runKaohe(t, "demo", "--no-serve", "--db", path, "--seed", "5")
	if code != 0 {
		t.Fatalf("demo: exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"kaoheban", "sheng.kaoheban", "kaohezu", "tongji", "jiwei", "ganbu", "lingdao", "青州市"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	// The sign-ins show each role by its label, never by its code.
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if want, ok := map[string]string{"kaoheban": "考核办（组织部）", "kaohezu": "考核组", "tongji": "数据报送部门",
			"jiwei": "监督部门", "ganbu": "被考核干部", "lingdao": "领导查阅"}[f[1]]; ok && f[0] != want {
			t.Errorf("sign-in %s: got role %q, want %q", f[1], f[0], want)
		}
		for _, r := range auth.Roles {
			if slices.Contains(f, string(r)) {
				t.Errorf("sign-in line shows role code %q: %s", r, line)
			}
		}
	}
	units, people := counts(t, path)
	if want := fmt.Sprintf("%d cadres", people); units < 100 || !strings.Contains(stdout, want) {
		t.Errorf("reopened: %d units, %d people; want the counts the demo printed:\n%s", units, people, stdout)
	}

	// --keep serves what is there and prints the same passwords.
	code, kept, stderr := runKaohe(t, "demo", "--no-serve", "--keep", "--db", path)
	if code != 0 || !strings.Contains(kept, "keeping") {
		t.Fatalf("demo --keep: exit %d, stdout %s, stderr %s", code, kept, stderr)
	}
	password := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 2 && f[1] == "kaoheban" {
				return f[2]
			}
		}
		return ""
	}
	if p := password(stdout); p == "" || password(kept) != p {
		t.Errorf("--keep printed password %q, want the build's %q", password(kept), p)
	}
	if u, p := counts(t, path); u != units || p != people {
		t.Errorf("after --keep: got %d units, %d people; want %d, %d", u, p, units, people)
	}

	// Without --keep the demo is rebuilt.
	if code, _, stderr := runKaohe(t, "demo", "--no-serve", "--db", path, "--seed", "5"); code != 0 {
		t.Fatalf("rebuild: exit %d, %s", code, stderr)
	}
	if u, p := counts(t, path); u != units || p != people {
		t.Errorf("after rebuild: got %d units, %d people; want %d, %d", u, p, units, people)
	}

	// The demo's audit log verifies; a tampered copy does not.
	if code, out, stderr := runKaohe(t, "audit", "verify", "--db", path); code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("audit verify on the demo: exit %d, %q %q; want 0 and OK", code, out, stderr)
	}
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL.Exec(`UPDATE audit_log SET reason = 'edited' WHERE seq = (SELECT min(seq) FROM audit_log)`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if code, _, stderr := runKaohe(t, "audit", "verify", "--db", path); code != 1 || !strings.Contains(stderr, "broken at seq") {
		t.Errorf("audit verify on a tampered demo: exit %d, %q; want 1 naming the row", code, stderr)
	}
}

func TestDemoRefuses(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	// A Kaohe database with units the demo did not build.
	real := filepath.Join(dir, "real.db")
	d, code := openDB(ctx, real, io.Discard)
	if d == nil {
		t.Fatalf("open: exit %d", code)
	}
	_, err := d.SQL.Exec(`INSERT INTO units (id, path, code, name, kind, level, created_at, updated_at)
		VALUES (1, '/1/', '330000', '浙江省', 'region', 'province', 0, 0)`)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("not a database, keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"real data", []string{"demo", "--no-serve", "--db", real}, "did not build"},
		{"not a database", []string{"demo", "--no-serve", "--db", other}, "will not erase"},
		{"bad scale", []string{"demo", "--no-serve", "--db", filepath.Join(dir, "x.db"), "--scale", "0"}, "--scale 0"},
		{"extra argument", []string{"demo", "--no-serve", "--db", filepath.Join(dir, "x.db"), "now"}, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runKaohe(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	if b, err := os.ReadFile(other); err != nil || string(b) != "not a database, keep me" {
		t.Errorf("the other file was touched: %q %v", b, err)
	}
	if u, _ := counts(t, real); u != 1 {
		t.Errorf("the real database: got %d units, want 1", u)
	}
}
