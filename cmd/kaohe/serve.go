package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"kaohe/internal/audit"
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
	checkpoints := checkpointsFlag(fs)
	cert := fs.String("tls-cert", env("KAOHE_TLS_CERT", ""), "PEM certificate (chain) to serve HTTPS with, with --tls-key (env KAOHE_TLS_CERT)")
	metricsAddr := fs.String("metrics-addr", env("KAOHE_METRICS_ADDR", ""),
		"address to serve /metrics (Prometheus) on, reachable only by the monitoring system, e.g. 127.0.0.1:9100 (env KAOHE_METRICS_ADDR); none when empty")
	tlsKey := fs.String("tls-key", env("KAOHE_TLS_KEY", ""), "PEM private key of --tls-cert (env KAOHE_TLS_KEY)")
	key := auditKeyFlag(fs, "signing key of the audit checkpoints (kaohe audit keygen); with --audit-checkpoints the server writes one every five minutes")
	keys := ballotKeysFlag(fs)
	fb := registerFeedback(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if (*checkpoints == "") != (*key == "") {
		fmt.Fprintln(stderr, "kaohe serve: --audit-checkpoints and --audit-key go together")
		return 2
	}
	o := serveOptions{addr: *addr, proxies: *proxies, baseURL: *base, sanctions: *sanctions, checkpoints: *checkpoints,
		ballotKeys: ballotKeysBeside(*keys, *dsn), tlsCert: *cert, tlsKey: *tlsKey, metricsAddr: *metricsAddr, feedback: fb}
	if *key != "" {
		var err error
		if o.auditKey, err = audit.LoadKey(*key); err != nil {
			fmt.Fprintf(stderr, "kaohe serve: %v; check --audit-key or KAOHE_AUDIT_KEY\n", err)
			return 2
		}
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	return serve(ctx, d, o, stdout, stderr)
}

// serveOptions are the flags of the commands that serve.
type serveOptions struct {
	// addr is the listen address; proxies the trusted proxies
	// (--trusted-proxies); baseURL the public address, "" for the listen
	// address; sanctions the effect periods (--sanction-periods);
	// ballotKeys the directory of the ballot keys (--ballot-keys).
	addr, proxies, baseURL, sanctions, ballotKeys string
	// checkpoints is the file the server appends signed checkpoints of
	// the audit chain to, with auditKey; "" for none.
	checkpoints string
	auditKey    ed25519.PrivateKey
	// tlsCert and tlsKey are the files to serve HTTPS with.
	tlsCert, tlsKey string
	// metricsAddr is where /metrics is served, "" for nowhere.
	metricsAddr string
	// feedback are the feedback flags (appeal window, PDF, outgoing
	// notifications).
	feedback *feedbackFlags
}

// checkpointEvery is how often a server writes an audit checkpoint.
const checkpointEvery = 5 * time.Minute

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
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	base := o.baseURL
	if base == "" {
		base = scheme + "://" + l.Addr().String()
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	fbc, err := o.feedback.config(base)
	if err != nil {
		l.Close()
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 2
	}
	srv, err := server.New(server.Config{DB: d, Logger: logger, TrustedProxies: trusted, BaseURL: base, SanctionPeriods: periods,
		TLSCert: o.tlsCert, TLSKey: o.tlsKey, BallotKeys: o.ballotKeys, Feedback: fbc})
	if err != nil {
		l.Close()
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Kaohe 考核 serving %s on %s://%s/\n", d, scheme, l.Addr())
	fmt.Fprintf(stdout, "Links on code sheets and in codes.csv point to %s (--base-url)\n", base)
	if o.metricsAddr != "" {
		ml, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			l.Close()
			fmt.Fprintf(stderr, "kaohe: cannot listen on %s: %v; choose another --metrics-addr or KAOHE_METRICS_ADDR\n", o.metricsAddr, err)
			return 2
		}
		ms := &http.Server{Handler: srv.Metrics(), ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(ml)
		defer ms.Close()
		fmt.Fprintf(stdout, "Metrics on http://%s/metrics\n", ml.Addr())
	}
	if o.checkpoints != "" {
		ctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			audit.KeepCheckpoints(ctx, d, o.checkpoints, o.auditKey, checkpointEvery, func(err error) {
				logger.Error("audit checkpoint", "err", err)
			})
		}()
		defer func() { stop(); <-done }()
		fmt.Fprintf(stdout, "Audit checkpoints go to %s every %s\n", o.checkpoints, checkpointEvery)
	}
	if err := srv.Serve(ctx, l); err != nil {
		fmt.Fprintf(stderr, "kaohe: %v\n", err)
		return 1
	}
	return 0
}
