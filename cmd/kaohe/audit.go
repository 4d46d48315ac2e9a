package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// runAudit dispatches kaohe audit verify, checkpoint and keygen.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return runAuditVerify(ctx, args[1:], stdout, stderr)
		case "checkpoint":
			return runAuditCheckpoint(ctx, args[1:], stdout, stderr)
		case "keygen":
			return runAuditKeygen(args[1:], stdout, stderr)
		}
	}
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
		fmt.Fprintf(stderr, "kaohe audit: unknown subcommand %q\n", args[0])
	}
	fmt.Fprintln(stderr, "Usage: kaohe audit verify|checkpoint|keygen [flags]")
	fmt.Fprintln(stderr, "\nSubcommands:\n"+
		"  verify      recompute the hash chain of the audit log, check it against the signed checkpoints, and name the first broken row\n"+
		"  checkpoint  append a signed checkpoint of the chain's head to the checkpoint file\n"+
		"  keygen      make the checkpoint signing key (and its .pub half for auditors)")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return 0
	}
	return 2
}

// checkpointsFlag registers --audit-checkpoints, defaulting to
// KAOHE_AUDIT_CHECKPOINTS.
func checkpointsFlag(fs *flag.FlagSet) *string {
	return fs.String("audit-checkpoints", env("KAOHE_AUDIT_CHECKPOINTS", ""),
		"file of signed checkpoints of the audit chain's head, kept outside the database (env KAOHE_AUDIT_CHECKPOINTS)")
}

// auditKeyFlag registers --audit-key, defaulting to KAOHE_AUDIT_KEY.
func auditKeyFlag(fs *flag.FlagSet, usage string) *string {
	return fs.String("audit-key", env("KAOHE_AUDIT_KEY", ""), usage+" (env KAOHE_AUDIT_KEY)")
}

// runAuditVerify recomputes the chain and checks it against the
// checkpoints: exit 0 and "OK" with the row count and head hash, or exit 1
// naming the first broken row. An empty log in a database that has user
// accounts fails: every account was created through an audited call.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit verify", "", stderr)
	dsn := dbFlag(fs)
	cpPath := checkpointsFlag(fs)
	key := auditKeyFlag(fs, "public key (.pub) or signing key the checkpoints are verified with")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kaohe audit verify: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if (*cpPath == "") != (*key == "") {
		fmt.Fprintln(stderr, "kaohe audit verify: --audit-checkpoints and --audit-key go together")
		return 2
	}
	var cps []audit.Checkpoint
	if *cpPath != "" {
		pub, err := audit.LoadPublicKey(*key)
		if err == nil {
			cps, err = audit.ReadCheckpoints(*cpPath, pub)
		}
		if err != nil {
			fmt.Fprintf(stderr, "kaohe audit verify: FAILED: %v\n", err)
			return 1
		}
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	rows, err := audit.Verify(ctx, d)
	if err == nil {
		err = audit.VerifyCheckpoints(ctx, d, cps)
	}
	var broken *audit.BrokenError
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(stderr, "kaohe audit verify: FAILED: %v (%d rows before it verified)\n", broken, rows)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "kaohe audit verify: %v\n", err)
		return 1
	}
	var (
		hash  string
		users bool
	)
	err = d.View(ctx, func(tx *db.Tx) (err error) {
		if _, hash, err = audit.Head(ctx, tx); err != nil {
			return err
		}
		users, err = auth.HasUsers(ctx, tx)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "kaohe audit verify: %v\n", err)
		return 1
	}
	if rows == 0 && users {
		fmt.Fprintln(stderr, "kaohe audit verify: FAILED: the audit log is empty but the database has user accounts, each created by an audited call: the log was deleted")
		return 1
	}
	against := "no checkpoints given (--audit-checkpoints)"
	if n := len(cps); n > 0 {
		against = fmt.Sprintf("matches %d checkpoints, the last of %s at seq %d", n, time.UnixMicro(cps[n-1].At).UTC().Format(time.RFC3339), cps[n-1].Seq)
	}
	fmt.Fprintf(stdout, "OK: %d rows verified; head %s; %s\n", rows, hash, against)
	return 0
}

// runAuditCheckpoint appends a signed checkpoint of the head.
func runAuditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit checkpoint", "", stderr)
	dsn := dbFlag(fs)
	cpPath := checkpointsFlag(fs)
	key := auditKeyFlag(fs, "signing key of the checkpoints (kaohe audit keygen)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *cpPath == "" || *key == "" {
		fmt.Fprintln(stderr, "kaohe audit checkpoint: --audit-checkpoints and --audit-key are required")
		return 2
	}
	priv, err := audit.LoadKey(*key)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe audit checkpoint: %v\n", err)
		return 2
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	c, err := audit.WriteCheckpoint(ctx, d, *cpPath, priv)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe audit checkpoint: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "checkpoint: seq %d, head %s\n", c.Seq, c.Hash)
	return 0
}

// runAuditKeygen writes a new checkpoint signing key.
func runAuditKeygen(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit keygen", "", stderr)
	key := auditKeyFlag(fs, "file to write the signing key to; its public half goes to FILE.pub")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *key == "" {
		fmt.Fprintln(stderr, "kaohe audit keygen: --audit-key is required")
		return 2
	}
	if err := audit.GenerateKey(*key); err != nil {
		fmt.Fprintf(stderr, "kaohe audit keygen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "signing key written to %s (keep it off the database server's backups); public key %s.pub\n", *key, *key)
	return 0
}
