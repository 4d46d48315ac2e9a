package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

func runUserDisable(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runUserDisableOrEnable(ctx, "disable", args, stdout, stderr)
}

func runUserEnable(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runUserDisableOrEnable(ctx, "enable", args, stdout, stderr)
}

func runUserUnlock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runUserDisableOrEnable(ctx, "unlock", args, stdout, stderr)
}

// runUserDisableOrEnable stops an account (its sessions end, its API
// tokens are revoked), lets it sign in again, or unlocks it after failed
// sign-ins, with a reason for the audit log.
func runUserDisableOrEnable(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user "+verb, "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name (required)")
	reason := fs.String("reason", "", "why, for the audit log (required)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, verb, stderr, map[string]string{"login": *login}) {
		return 2
	}
	if strings.TrimSpace(*reason) == "" {
		fmt.Fprintf(stderr, "kaohe user %s: --reason is required\n", verb)
		return 2
	}
	c, code := openUserCmd(ctx, verb, *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	u, err := c.svc.UserByLogin(ctx, c.actor, *login)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", *login, err))
	}
	var done string
	switch verb {
	case "disable":
		err, done = c.svc.DisableUser(ctx, c.actor, u.ID, *reason), "disabled; its sessions have ended and its API tokens are revoked"
	case "enable":
		err, done = c.svc.EnableUser(ctx, c.actor, u.ID, *reason), "enabled; it can sign in again"
	default:
		err, done = c.svc.UnlockUser(ctx, c.actor, u.ID, *reason), "unlocked; its failed sign-ins are forgotten"
	}
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(stdout, "%s %s\n", u.Login, done)
	return 0
}

// runUserTokens lists a user's API tokens, or with --revoke revokes one.
func runUserTokens(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user tokens", "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name (required)")
	revoke := fs.Int64("revoke", 0, "id of one of the user's tokens to revoke")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, "tokens", stderr, map[string]string{"login": *login}) {
		return 2
	}
	c, code := openUserCmd(ctx, "tokens", *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	u, err := c.svc.UserByLogin(ctx, c.actor, *login)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", *login, err))
	}
	ts, err := c.svc.UserAPITokens(ctx, c.actor, u.ID)
	if err != nil {
		return c.fail(err)
	}
	if *revoke != 0 {
		for _, t := range ts {
			if t.ID == *revoke {
				if err := c.svc.RevokeAPIToken(ctx, c.actor, t.ID); err != nil {
					return c.fail(err)
				}
				fmt.Fprintf(stdout, "revoked API token %d (%q) of %s\n", t.ID, t.Name, u.Login)
				return 0
			}
		}
		fmt.Fprintf(stderr, "kaohe user tokens: %s has no API token %d\n", u.Login, *revoke)
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tLAST USED")
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, t := range ts {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, when(t.CreatedAt, ""), when(t.ExpiresAt, "never"), when(t.LastUsedAt, "never"))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(err)
	}
	return 0
}
