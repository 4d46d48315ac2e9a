package main

import (
	"context"
	"fmt"
	"io"

	"kaohe/internal/db"
)

// runBackup writes a consistent backup of the database to a new
// directory while it keeps serving.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", "", stderr)
	dsn := dbFlag(fs)
	out := fs.String("out", "", "new directory to write the backup and its manifest to")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kaohe backup: --out is required")
		return 2
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	m, err := d.Backup(ctx, *out)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe backup: %v\n", err)
		return 1
	}
	for _, f := range m.Files {
		fmt.Fprintf(stdout, "%s/%s: %d bytes, sha256 %s\n", *out, f.Name, f.Size, f.SHA256)
	}
	fmt.Fprintf(stdout, "backup of %s at schema version %d taken %s\n", m.Engine, m.SchemaVersion, m.TakenAt.Format("2006-01-02 15:04:05 MST"))
	return 0
}

// runRestore restores a backup into an empty database and migrates it.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("restore", "", stderr)
	dsn := dbFlag(fs)
	from := fs.String("from", "", "directory of a backup made by kaohe backup")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *from == "" {
		fmt.Fprintln(stderr, "kaohe restore: --from is required")
		return 2
	}
	m, err := db.Restore(ctx, *dsn, *from)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe restore: %v\n", err)
		return 1
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	d.Close()
	fmt.Fprintf(stdout, "restored the backup of %s taken %s; run kaohe audit verify to check its log\n", m.Engine, m.TakenAt.Format("2006-01-02 15:04:05 MST"))
	return 0
}
