package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"kaohe/internal/org"
	"strings"
	"text/tabwriter"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// runUser dispatches kaohe user add|reset|grant|revoke|list|token|tokens|disable|enable.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	subs := []struct {
		name, summary string
		run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	}{
		{"add", "add a user with a role in a unit", runUserAdd},
		{"reset", "set a new password (printed when generated)", runUserReset},
		{"grant", "give a user a role in a unit", runUserGrant},
		{"revoke", "take a role in a unit from a user", runUserRevoke},
		{"list", "list users and their roles", runUserList},
		{"token", "create an API token for a user (printed once)", runUserToken},
		{"tokens", "list a user's API tokens, or revoke one", runUserTokens},
		{"disable", "stop an account: no sign-in, sessions and API tokens end", runUserDisable},
		{"enable", "let a disabled account sign in again", runUserEnable},
		{"unlock", "lift the lock that failed sign-ins from many addresses put on an account", runUserUnlock},
	}
	if len(args) > 0 {
		for _, s := range subs {
			if s.name == args[0] {
				return s.run(ctx, args[1:], stdout, stderr)
			}
		}
	}
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
		fmt.Fprintf(stderr, "kaohe user: unknown subcommand %q\n", args[0])
	}
	fmt.Fprintln(stderr, "Usage: kaohe user <subcommand> [flags]; 'kaohe user <subcommand> -h' for its flags.")
	fmt.Fprintln(stderr, "\nSubcommands:")
	for _, s := range subs {
		fmt.Fprintf(stderr, "  %-8s %s\n", s.name, s.summary)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return 0
	}
	return 2
}

// userCmd holds what the user subcommands share: their name, the database
// and the service acting as the command line.
type userCmd struct {
	name   string
	stderr io.Writer
	d      *db.DB
	svc    *auth.Service
	actor  *auth.Actor
}

// openUserCmd opens the database for a user subcommand; code is non-zero
// when it could not.
func openUserCmd(ctx context.Context, name, dsn string, stderr io.Writer) (*userCmd, int) {
	d, code := openDB(ctx, dsn, stderr)
	if d == nil {
		return nil, code
	}
	return &userCmd{name: "kaohe user " + name, stderr: stderr, d: d,
		svc: auth.NewService(d, auth.Policy{}, org.GrantUnits{}), actor: auth.SystemActor("cli")}, 0
}

// fail prints err on one line and returns the exit status: 2 for bad input
// (unknown role, unit or user), 1 otherwise.
func (c *userCmd) fail(err error) int {
	fmt.Fprintf(c.stderr, "%s: %v\n", c.name, err)
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.NotFound:
		return 2
	}
	return 1
}

// grantFlags registers --role and --unit.
func grantFlags(fs *flag.FlagSet) (role, unit *string) {
	roles := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		roles[i] = string(r)
	}
	role = fs.String("role", "", "role: "+strings.Join(roles, ", "))
	unit = fs.String("unit", "", "code of the unit the role applies to (and its sub-units)")
	return role, unit
}

// checkArgs reports a missing required flag or a stray argument; it
// returns false after printing one line.
func checkArgs(fs *flag.FlagSet, name string, stderr io.Writer, required map[string]string) bool {
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kaohe user %s: unexpected argument %q\n", name, fs.Arg(0))
		return false
	}
	for _, f := range []string{"login", "name", "role", "unit"} {
		if v, ok := required[f]; ok && strings.TrimSpace(v) == "" {
			fmt.Fprintf(stderr, "kaohe user %s: --%s is required\n", name, f)
			return false
		}
	}
	if r, ok := required["role"]; ok && !auth.Role(r).Valid() {
		fmt.Fprintf(stderr, "kaohe user %s: unknown role %q; use one of %s\n", name, r, roleList())
		return false
	}
	return true
}

func roleList() string {
	var b strings.Builder
	for i, r := range auth.Roles {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// grant resolves a role and a unit code to a grant.
func (c *userCmd) grant(ctx context.Context, role, code string) (auth.Grant, error) {
	id, _, err := c.svc.UnitByCode(ctx, code)
	if err != nil {
		return auth.Grant{}, err
	}
	return auth.Grant{Role: auth.Role(role), UnitID: id}, nil
}

func runUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user add", "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name (required)")
	name := fs.String("name", "", "the user's full name (required)")
	role, unit := grantFlags(fs)
	password := fs.String("password", "", "password; generated and printed when empty")
	person := fs.Int64("person", 0, "ID of the user's own person record (for a cadre)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, "add", stderr, map[string]string{"login": *login, "name": *name, "role": *role, "unit": *unit}) {
		return 2
	}
	c, code := openUserCmd(ctx, "add", *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	g, err := c.grant(ctx, *role, *unit)
	if err != nil {
		return c.fail(err)
	}
	pw := *password
	if pw == "" {
		pw = auth.GeneratePassword()
	}
	u, err := c.svc.AddUser(ctx, c.actor, auth.NewUser{Login: *login, Name: *name, Password: pw,
		PersonID: *person, Grants: []auth.Grant{g}})
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(stdout, "added user %s (%s) as %s in %s\n", u.Login, u.Name, *role, *unit)
	if *password == "" {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return 0
}

func runUserReset(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user reset", "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name (required)")
	password := fs.String("password", "", "new password; generated and printed when empty")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, "reset", stderr, map[string]string{"login": *login}) {
		return 2
	}
	c, code := openUserCmd(ctx, "reset", *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	u, err := c.svc.UserByLogin(ctx, c.actor, *login)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", *login, err))
	}
	pw, err := c.svc.ResetPassword(ctx, c.actor, u.ID, *password)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(stdout, "password of %s reset; its sessions have ended and its API tokens are revoked\n", u.Login)
	if *password == "" {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return 0
}

func runUserGrant(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runUserGrantOrRevoke(ctx, "grant", args, stdout, stderr)
}

func runUserRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runUserGrantOrRevoke(ctx, "revoke", args, stdout, stderr)
}

func runUserGrantOrRevoke(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user "+verb, "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name (required)")
	role, unit := grantFlags(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, verb, stderr, map[string]string{"login": *login, "role": *role, "unit": *unit}) {
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
	g, err := c.grant(ctx, *role, *unit)
	if err != nil {
		return c.fail(err)
	}
	if verb == "grant" {
		err = c.svc.Grant(ctx, c.actor, u.ID, g)
	} else {
		err = c.svc.Revoke(ctx, c.actor, u.ID, g)
	}
	if err != nil {
		return c.fail(err)
	}
	if verb == "grant" {
		fmt.Fprintf(stdout, "%s is %s in %s\n", u.Login, *role, *unit)
	} else {
		fmt.Fprintf(stdout, "%s is no longer %s in %s\n", u.Login, *role, *unit)
	}
	return 0
}

func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user list", "", stderr)
	dsn := dbFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, "list", stderr, nil) {
		return 2
	}
	c, code := openUserCmd(ctx, "list", *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	users, err := c.svc.ListUsers(ctx, c.actor)
	if err != nil {
		return c.fail(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tNAME\tROLES")
	for _, u := range users {
		roles := make([]string, len(u.Grants))
		for i, g := range u.Grants {
			roles[i] = fmt.Sprintf("%s@%s", g.Role, g.UnitCode)
		}
		name := u.Name
		if u.Disabled() {
			name += " (disabled)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Login, name, strings.Join(roles, " "))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(err)
	}
	return 0
}

func runUserToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("user token", "", stderr)
	dsn := dbFlag(fs)
	login := fs.String("login", "", "login name of the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. the client's name (required)")
	ttl := fs.Duration("ttl", 720*time.Hour, "how long the token lasts; 0 for a token that does not expire")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !checkArgs(fs, "token", stderr, map[string]string{"login": *login, "name": *name}) {
		return 2
	}
	if *ttl < 0 {
		fmt.Fprintf(stderr, "kaohe user token: --ttl must not be negative\n")
		return 2
	}
	c, code := openUserCmd(ctx, "token", *dsn, stderr)
	if c == nil {
		return code
	}
	defer c.d.Close()
	u, err := c.svc.UserByLogin(ctx, c.actor, *login)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", *login, err))
	}
	// The token is the user's own: it is created as the user, as the API
	// token page would, and acts with the user's grants.
	t, secret, err := c.svc.CreateAPIToken(ctx, u.Actor(), *name, *ttl)
	if err != nil {
		return c.fail(err)
	}
	expires := "never"
	if !t.ExpiresAt.IsZero() {
		expires = t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(stdout, "created API token %q for %s, expires %s\n", t.Name, u.Login, expires)
	fmt.Fprintf(stdout, "token: %s\n", secret)
	fmt.Fprintln(stdout, "It is shown only this once; send it as 'Authorization: Bearer <token>'.")
	return 0
}
