package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"kaohe/internal/db"
	"kaohe/internal/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "", stderr)
	dsn := dbFlag(fs)
	addr := addrFlag(fs)
	proxies := proxiesFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	return serve(ctx, d, *addr, *proxies, stdout, stderr)
}

// serve runs the server on addr until ctx ends, believing the
// X-Forwarded-For of the proxies listed in proxies.
func serve(ctx context.Context, d *db.DB, addr, proxies string, stdout, stderr io.Writer) int {
	trusted, err := server.ParseProxies(proxies)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v; check --trusted-proxies or KAOHE_TRUSTED_PROXIES\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.New(server.Config{DB: d, Logger: logger, TrustedProxies: trusted})
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: cannot listen on %s: %v; choose another --addr or KAOHE_ADDR\n", addr, err)
		return 2
	}
	fmt.Fprintf(stdout, "Kaohe 考核 serving %s on http://%s/\n", d, l.Addr())
	if err := srv.Serve(ctx, l); err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	return 0
}
