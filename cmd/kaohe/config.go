package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"kaohe/internal/db"
)

// newFlagSet returns a flag set whose -h prints the command's usage line and
// flags, and whose errors return instead of exiting.
func newFlagSet(name, argsUsage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kaohe %s [flags] %s\n\nFlags:\n", name, argsUsage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; when it returns ok=false the command returns code
// (0 after -h, 2 after a bad flag, which the flag package has reported).
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// env returns the environment variable key, or def when it is unset.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// dbFlag registers --db, defaulting to KAOHE_DB, then kaohe.db.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("KAOHE_DB", db.DefaultDSN),
		"database: sqlite:PATH, a file path, or postgres://… (env KAOHE_DB)")
}

// addrFlag registers --addr, defaulting to KAOHE_ADDR, then 127.0.0.1:8080.
func addrFlag(fs *flag.FlagSet) *string {
	return fs.String("addr", env("KAOHE_ADDR", "127.0.0.1:8080"), "listen address (env KAOHE_ADDR)")
}

// proxiesFlag registers --trusted-proxies, defaulting to
// KAOHE_TRUSTED_PROXIES, then none.
func proxiesFlag(fs *flag.FlagSet) *string {
	return fs.String("trusted-proxies", env("KAOHE_TRUSTED_PROXIES", ""),
		"comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the client "+
			"(env KAOHE_TRUSTED_PROXIES); without them the peer is the client")
}

// ballotKeysFlag registers --ballot-keys, defaulting to
// KAOHE_BALLOT_KEYS, then to ballotKeysBeside's choice for the database.
func ballotKeysFlag(fs *flag.FlagSet) *string {
	return fs.String("ballot-keys", env("KAOHE_BALLOT_KEYS", ""),
		"directory of the keys that seal ballots until they are counted in batches; keep it out of database backups "+
			"(env KAOHE_BALLOT_KEYS); PATH.ballot-keys beside a SQLite file, else kaohe-ballot-keys, when empty")
}

// ballotKeysBeside returns dir, or when it is "" the default key
// directory for the database dsn: beside a SQLite file, else in the
// working directory.
func ballotKeysBeside(dir, dsn string) string {
	if dir != "" {
		return dir
	}
	if t, err := db.ParseDSN(dsn); err == nil && t.Engine == db.SQLite {
		return t.Source + ".ballot-keys"
	}
	return "kaohe-ballot-keys"
}

// baseURLFlag registers --base-url, defaulting to KAOHE_BASE_URL.
func baseURLFlag(fs *flag.FlagSet) *string {
	return fs.String("base-url", env("KAOHE_BASE_URL", ""),
		"public address of the site, e.g. https://kaohe.example.gov.cn, for the links in QR codes and code lists "+
			"(env KAOHE_BASE_URL); http://<listen address> when empty")
}

// sanctionsFlag registers --sanction-periods, defaulting to
// KAOHE_SANCTION_PERIODS, then the platform's defaults.
func sanctionsFlag(fs *flag.FlagSet) *string {
	return fs.String("sanction-periods", env("KAOHE_SANCTION_PERIODS", ""),
		"effect periods in months of sanction kinds, e.g. warning=6,demerit=12,grave_demerit=18 "+
			"(env KAOHE_SANCTION_PERIODS); the defaults are 诫勉、组织处理、警告 6, 记过 12, 记大过 18, 降级、撤职 24")
}

// openDB opens and migrates the database. On failure it prints one line
// saying what to do and returns exit status 2.
func openDB(ctx context.Context, dsn string, stderr io.Writer) (*db.DB, int) {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		switch {
		case errors.Is(err, db.ErrDSN):
			fmt.Fprintf(stderr, "kaohe: %v\n", err)
		default:
			fmt.Fprintf(stderr, "kaohe: %v; check --db or KAOHE_DB\n", err)
		}
		return nil, 2
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return nil, 2
	}
	return d, 0
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate", "", stderr)
	dsn := dbFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kaohe migrate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	current, _, err := d.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: schema at version %d\n", d, current)
	return 0
}
