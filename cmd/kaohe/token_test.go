package main

import (
	"context"
	"kaohe/internal/org"
	"regexp"
	"strings"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// TestUserTokenCommand creates API tokens with kaohe user token and checks
// that each authenticates as its user until it expires.
func TestUserTokenCommand(t *testing.T) {
	dsn := cliDB(t)
	if code, _, errOut := kaohe(t, runUser, "add", "--db", dsn, "--login", "tongji", "--name", "统计局", "--role", "provider", "--unit", "X"); code != 0 {
		t.Fatalf("user add: %q", errOut)
	}
	pattern := regexp.MustCompile(`(?m)^token: (kaohe_\S+)$`)
	for _, tt := range []struct {
		name    string
		args    []string
		expires string // in the output
		// valid says for how long the token authenticates; 0 for ever.
		valid time.Duration
	}{
		{"default", nil, "expires 20", 720 * time.Hour},
		{"two days", []string{"--ttl", "48h"}, "expires 20", 48 * time.Hour},
		{"forever", []string{"--ttl", "0"}, "expires never", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := kaohe(t, runUser, append([]string{"token", "--db", dsn, "--login", "tongji", "--name", "直报 " + tt.name}, tt.args...)...)
			m := pattern.FindStringSubmatch(out)
			if code != 0 || m == nil || !strings.Contains(out, tt.expires) {
				t.Fatalf("user token: exit %d, %q %q; want 0, a token and %q", code, out, errOut, tt.expires)
			}
			ctx := context.Background()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			svc := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
			a, err := svc.ActorForAPIToken(ctx, m[1])
			if err != nil || a.Login != "tongji" {
				t.Fatalf("the printed token: actor %+v, %v; want tongji", a, err)
			}
			if tt.valid == 0 {
				return
			}
			d.Clock = func() time.Time { return time.Now().Add(tt.valid + time.Hour) }
			if _, err := svc.ActorForAPIToken(ctx, m[1]); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("after %v: %v, want unauthorized", tt.valid, err)
			}
		})
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "--login", "tongji"}, "--name is required"},
		{[]string{"token", "--name", "x"}, "--login is required"},
		{[]string{"token", "--login", "nobody", "--name", "x"}, "nobody: no such user"},
		{[]string{"token", "--login", "tongji", "--name", "x", "--ttl", "-1h"}, "--ttl must not be negative"},
		{[]string{"token", "--login", "tongji", "--name", strings.Repeat("x", 101)}, "1 to 100 characters"},
	} {
		code, out, errOut := kaohe(t, runUser, append(tt.args, "--db", dsn)...)
		if code != 2 || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("user %v: exit %d, %q %q; want 2 and %q, no token", tt.args, code, out, errOut, tt.want)
		}
	}
}
