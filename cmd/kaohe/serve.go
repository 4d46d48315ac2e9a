package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"kaohe/internal/db"
	"kaohe/internal/finding"
	"kaohe/internal/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "", stderr)
	dsn := dbFlag(fs)
	addr := addrFlag(fs)
	proxies := proxiesFlag(fs)
	base := baseURLFlag(fs)
	sanctions := sanctionsFlag(fs)
	fb := registerFeedback(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	return serve(ctx, d, serveOptions{addr: *addr, proxies: *proxies, baseURL: *base, sanctions: *sanctions, feedback: fb}, stdout, stderr)
}

// serveOptions are the flags of the commands that serve.
type serveOptions struct {
	// addr is the listen address; proxies the trusted proxies
	// (--trusted-proxies); baseURL the public address, "" for the listen
	// address; sanctions the effect periods (--sanction-periods).
	addr, proxies, baseURL, sanctions string
	// feedback are the feedback flags (appeal window, PDF, outgoing
	// notifications).
	feedback *feedbackFlags
}

// serve runs the server until ctx ends.
func serve(ctx context.Context, d *db.DB, o serveOptions, stdout, stderr io.Writer) int {
	trusted, err := server.ParseProxies(o.proxies)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v; check --trusted-proxies or KAOHE_TRUSTED_PROXIES\n", err)
		return 2
	}
	if o.baseURL != "" {
		if _, err := server.ParseBaseURL(o.baseURL); err != nil {
			fmt.Fprintf(stderr, "kaohe: %v; check --base-url or KAOHE_BASE_URL\n", err)
			return 2
		}
	}
	periods, err := finding.ParsePeriods(o.sanctions)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: %v; check --sanction-periods or KAOHE_SANCTION_PERIODS\n", err)
		return 2
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe: cannot listen on %s: %v; choose another --addr or KAOHE_ADDR\n", o.addr, err)
		return 2
	}
	base := o.baseURL
	if base == "" {
		base = "http://" + l.Addr().String()
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	fbc, err := o.feedback.config(base)
	if err != nil {
		l.Close()
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 2
	}
	srv, err := server.New(server.Config{DB: d, Logger: logger, TrustedProxies: trusted, BaseURL: base, SanctionPeriods: periods,
		Feedback: fbc})
	if err != nil {
		l.Close()
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Kaohe 考核 serving %s on http://%s/\n", d, l.Addr())
	fmt.Fprintf(stdout, "Links on code sheets and in codes.csv point to %s (--base-url)\n", base)
	if err := srv.Serve(ctx, l); err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	return 0
}
