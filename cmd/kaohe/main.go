// Command kaohe serves the Kaohe assessment platform and runs its
// command-line tasks. Configuration comes from flags, then KAOHE_*
// environment variables, then defaults.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// command is one subcommand of kaohe.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{"serve", "serve the web interface and the API", runServe},
		{"demo", "build the demo jurisdiction and serve it", runDemo},
		{"migrate", "apply pending database migrations", runMigrate},
		{"user", "add, reset, grant and list users", runUser},
		{"audit", "verify the tamper-evident audit log", runAudit},
		{"backup", "back the database up while it serves, with a checksum manifest", runBackup},
		{"restore", "restore a backup into an empty database", runRestore},
		{"score", "score files with the engine, without a database", runScore},
		{"load", "load-test democratic evaluation: raters casting ballots over HTTP", runLoad},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit status: 0 success,
// 1 a failed check or task, 2 a usage or configuration error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "kaohe: unknown command %q; run 'kaohe -h' for the list of commands\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Kaohe (考核): assessment of leading cadres and leadership teams.")
	fmt.Fprintln(w, "\nUsage: kaohe <command> [flags]; 'kaohe <command> -h' for a command's flags.")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", stderr)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	fmt.Fprintf(stdout, "kaohe %s\n", version)
	return 0
}
