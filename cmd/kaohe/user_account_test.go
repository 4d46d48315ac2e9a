package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestUserDisableCommand stops and restarts an account and lists and
// revokes its API tokens from the command line.
func TestUserDisableCommand(t *testing.T) {
	dsn := cliDB(t)
	if code, _, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", "v", "--name", "v", "--role", "viewer", "--unit", "X",
		"--password", "long enough password"); code != 0 {
		t.Fatalf("user add: exit %d, %q", code, errOut)
	}
	token := func() {
		t.Helper()
		if code, _, errOut := kaohe(t, runUser, "token", "--db", dsn, "--login", "v", "--name", "直报"); code != 0 {
			t.Fatalf("user token: exit %d, %q", code, errOut)
		}
	}
	token()
	code, out, _ := kaohe(t, runUser, "tokens", "--db", dsn, "--login", "v")
	id := regexp.MustCompile(`(?m)^(\d+)\s+直报`).FindStringSubmatch(out)
	if code != 0 || id == nil {
		t.Fatalf("user tokens: exit %d, %q; want the token listed", code, out)
	}
	if code, out, _ = kaohe(t, runUser, "tokens", "--db", dsn, "--login", "v", "--revoke", id[1]); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("user tokens --revoke: exit %d, %q", code, out)
	}
	if code, _, errOut := kaohe(t, runUser, "tokens", "--db", dsn, "--login", "v", "--revoke", id[1]); code != 2 {
		t.Errorf("revoking it again: exit %d, %q; want 2", code, errOut)
	}
	token()

	tests := []struct {
		name     string
		args     []string
		code     int
		out      string
		disabled bool
	}{
		{"disable without reason", []string{"disable", "--login", "v"}, 2, "", false},
		{"disable unknown", []string{"disable", "--login", "nobody", "--reason", "x"}, 2, "", false},
		{"disable", []string{"disable", "--login", "v", "--reason", "调离岗位"}, 0, "API tokens are revoked", true},
		{"enable without reason", []string{"enable", "--login", "v"}, 2, "", true},
		{"enable", []string{"enable", "--login", "v", "--reason", "返岗"}, 0, "can sign in again", false},
	}
	for _, tt := range tests {
		code, out, errOut := kaohe(t, runUser, append(tt.args, "--db", dsn)...)
		if code != tt.code || !strings.Contains(out, tt.out) {
			t.Errorf("%s: exit %d, %q %q; want %d and %q", tt.name, code, out, errOut, tt.code, tt.out)
		}
		_, list, _ := kaohe(t, runUser, "list", "--db", dsn)
		if got := strings.Contains(list, "(disabled)"); got != tt.disabled {
			t.Errorf("%s: user list %q; want disabled %v", tt.name, list, tt.disabled)
		}
	}
	// Disabling revoked the token made before it.
	if _, out, _ := kaohe(t, runUser, "tokens", "--db", dsn, "--login", "v"); strings.Contains(out, "直报") {
		t.Errorf("tokens after disabling: %q; want none", out)
	}
}
