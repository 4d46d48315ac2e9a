package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"kaohe/internal/audit"
	"kaohe/internal/db"
)

// runAudit dispatches kaohe audit verify.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "verify" {
		return runAuditVerify(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
		fmt.Fprintf(stderr, "kaohe audit: unknown subcommand %q\n", args[0])
	}
	fmt.Fprintln(stderr, "Usage: kaohe audit verify [flags]")
	fmt.Fprintln(stderr, "\nSubcommands:\n  verify  recompute the hash chain of the audit log and name the first broken row")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return 0
	}
	return 2
}

// runAuditVerify recomputes the chain: exit 0 and "OK" with the row count
// and head hash, or exit 1 naming the first broken row.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit verify", "", stderr)
	dsn := dbFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kaohe audit verify: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	rows, err := audit.Verify(ctx, d)
	var broken *audit.BrokenError
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(stderr, "kaohe audit verify: FAILED: %v (%d rows before it verified)\n", broken, rows)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "kaohe audit verify: %v\n", err)
		return 1
	}
	var hash string
	err = d.View(ctx, func(tx *db.Tx) (err error) {
		_, hash, err = audit.Head(ctx, tx)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "kaohe audit verify: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "OK: %d rows verified; head %s\n", rows, hash)
	return 0
}
