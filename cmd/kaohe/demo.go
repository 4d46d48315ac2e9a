package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"kaohe/internal/org"
	"os"
	"strconv"

	"kaohe/internal/db"
	"kaohe/internal/demo"
	"kaohe/internal/locale"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", "", stderr)
	dsn := dbFlag(fs)
	addr := addrFlag(fs)
	proxies := proxiesFlag(fs)
	base := baseURLFlag(fs)
	sanctions := sanctionsFlag(fs)
	keys := ballotKeysFlag(fs)
	fb := registerFeedback(fs)
	keep := fs.Bool("keep", false, "keep the data already in the database and serve it (build only into an empty one)")
	noServe := fs.Bool("no-serve", false, "build, then exit without serving")
	scale := fs.Int("scale", 1, fmt.Sprintf("size: 1 is a city of about 500 cadres, 200 about 100,000 (1 to %d)", demo.MaxScale))
	seed := fs.Uint64("seed", 1, "random seed: the same seed builds the same data and passwords")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kaohe demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *scale < 1 || *scale > demo.MaxScale {
		fmt.Fprintf(stderr, "kaohe demo: --scale %d is outside 1 to %d\n", *scale, demo.MaxScale)
		return 2
	}
	target, err := db.ParseDSN(*dsn)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 2
	}
	bundle, err := locale.Load()
	if err != nil {
		fmt.Fprintf(stderr, "kaohe demo: %v\n", err)
		return 1
	}
	loc := bundle.For(locale.Chinese)
	if !*keep && target.Engine == db.SQLite {
		if err := removeDemoFile(ctx, target.Source); err != nil {
			fmt.Fprintf(stderr, "kaohe demo: %v\n", err)
			return 2
		}
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()

	units, built, err := demoState(ctx, d)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe demo: %v\n", err)
		return 1
	}
	switch {
	case units > 0 && *keep:
		fmt.Fprintf(stdout, "Kaohe demo: keeping the %d units already in %s.\n", units, d)
		if built != "" {
			if s, err := strconv.ParseUint(built, 10, 64); err == nil {
				fmt.Fprintln(stdout, "Sign-ins as built (unless their passwords were changed since):")
				printLogins(stdout, loc, demo.Logins(s))
			}
		}
	case units > 0:
		fmt.Fprintf(stderr, "kaohe demo: %s already holds %d units and kaohe demo erases only SQLite files; "+
			"use --keep to serve it as it is, or point --db at an empty PostgreSQL database\n", d, units)
		return 2
	default:
		sum, err := demo.Build(ctx, d, demo.Options{Seed: *seed, Scale: *scale, Progress: stderr})
		if err != nil {
			fmt.Fprintf(stderr, "kaohe demo: %v\n", err)
			return 1
		}
		printSummary(stdout, loc, d, sum)
	}
	if *noServe {
		return 0
	}
	return serve(ctx, d, serveOptions{addr: *addr, proxies: *proxies, baseURL: *base, sanctions: *sanctions,
		ballotKeys: ballotKeysBeside(*keys, *dsn), feedback: fb}, stdout, stderr)
}

// demoState returns how many units the database holds and the seed of the
// demo that built it ("" when none did).
func demoState(ctx context.Context, d *db.DB) (units int, seed string, err error) {
	err = d.View(ctx, func(tx *db.Tx) error {
		if units, err = org.CountUnits(ctx, tx); err != nil {
			return err
		}
		seed, _, err = db.Setting(ctx, tx, demo.SettingSeed)
		return err
	})
	return units, seed, err
}

// removeDemoFile deletes a SQLite database file and its -wal and -shm
// companions so that the demo starts afresh. It refuses a file that is not
// a Kaohe database, or one holding units that kaohe demo did not build: the
// demo never erases real data.
func removeDemoFile(ctx context.Context, path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Size() > 0 {
		if err := checkDemoFile(ctx, path); err != nil {
			return err
		}
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the old demo: %w", err)
		}
	}
	return nil
}

// checkDemoFile returns an error unless the SQLite file at path is a Kaohe
// database whose units, if any, kaohe demo built.
func checkDemoFile(ctx context.Context, path string) error {
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		return fmt.Errorf("%s cannot be opened as a Kaohe database (%v); kaohe demo will not erase it: choose another --db", path, err)
	}
	defer d.Close()
	if !d.Migrated(ctx) {
		return fmt.Errorf("%s is not a Kaohe database; kaohe demo will not erase it: choose another --db", path)
	}
	units, seed, err := demoState(ctx, d)
	if err != nil || units == 0 {
		return nil // no units table yet, or no units: nothing to lose
	}
	if seed == "" {
		return fmt.Errorf("%s holds %d units that kaohe demo did not build; kaohe demo will not erase it: "+
			"use --keep to serve it, or choose another --db", path, units)
	}
	return nil
}

// printSummary prints what the build made and the sign-ins.
func printSummary(w io.Writer, loc *locale.Localizer, d *db.DB, s *demo.Summary) {
	fmt.Fprintf(w, "Kaohe demo built in %s into %s (seed %d, scale %d):\n", s.Elapsed.Round(1e6), d, s.Seed, s.Scale)
	fmt.Fprintf(w, "  %d units: %d cities, %d counties, %d townships, %d departments; %d categories\n",
		s.Units, s.Cities, s.Counties, s.Townships, s.Departments, s.Categories)
	fmt.Fprintf(w, "  %d cadres with %d posts\n\n", s.People, s.Posts)
	fmt.Fprintln(w, "Sign-ins:")
	printLogins(w, loc, s.Logins)
	if s.ShareToken != "" {
		fmt.Fprintf(w, "\nSharing token of the city's 干部管理信息系统 (GET /api/v1/share/…, shown once):\n  %s\n", s.ShareToken)
	}
}

// printLogins prints the sign-in table, each role by its label.
func printLogins(w io.Writer, loc *locale.Localizer, logins []demo.Login) {
	rows := [][]string{{"角色", "登录名", "密码", "范围", "账户"}}
	for _, l := range logins {
		rows = append(rows, []string{loc.Role(string(l.Role)), l.Login, l.Password, l.Scope, l.Name})
	}
	printTable(w, rows)
	fmt.Fprintln(w)
}
