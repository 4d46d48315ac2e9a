// Package server runs Kaohe's HTTP server: routes, middleware and graceful
// shutdown.
package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"kaohe/internal/sources"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"kaohe/internal/analysis"
	"kaohe/internal/api"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
	"kaohe/internal/fieldwork"
	"kaohe/internal/finding"
	"kaohe/internal/hook"
	"kaohe/internal/locale"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
	"kaohe/internal/pdf"
	"kaohe/internal/review"
	"kaohe/internal/scheme"
	"kaohe/internal/survey"
	"kaohe/internal/track"
	"kaohe/internal/web"
)

// Config is what the server needs.
type Config struct {
	DB     *db.DB
	Logger *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; the peer is the client when none is configured.
	TrustedProxies []netip.Prefix
	// BaseURL is the site's public address, from which the links in QR
	// codes, code lists and public survey addresses are built, never from
	// a request's Host; DefaultBaseURL when "". See ParseBaseURL.
	BaseURL string
	// SanctionPeriods override the default effect periods (months) of
	// sanction kinds (finding.DefaultPeriods); none for the defaults.
	SanctionPeriods map[finding.SanctionKind]int
	// TLSCert and TLSKey are the PEM files of the server's certificate
	// and key: with them it serves HTTPS itself. Without, a BaseURL of
	// https:// says a reverse proxy terminates TLS in front of it. Either
	// way cookies are Secure and responses carry HSTS.
	TLSCert, TLSKey string
	// BallotKeys is the directory of the keys that seal ballots until
	// they are opened in batches; "" keeps them in the process only, so
	// that a sealed ballot does not survive a restart (survey.SetKeyDir).
	BallotKeys string
	// MinCell is the fewest units an aggregate of the weak-link analysis
	// is shown over; 0 for analysis.DefaultMinCell.
	MinCell int
	// Feedback configures the feedback reports: the appeal window, the
	// browser that prints PDF and the optional outgoing channel.
	Feedback FeedbackConfig
}

// FeedbackConfig configures the feedback package.
type FeedbackConfig struct {
	// AppealDays is the appeal window after publication;
	// feedback.DefaultAppealDays when 0.
	AppealDays int
	// Chromium is the DevTools address of a running browser
	// ("http://127.0.0.1:9222"); ChromiumPath the binary started
	// otherwise. With neither, reports are not printed to PDF.
	Chromium, ChromiumPath string
	// Sender sends notifications out (SMTP, webhook); nil for none, the
	// default.
	Sender feedback.Sender
}

// Server is Kaohe's HTTP server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	auth    *auth.Service
	web     *web.Handler
	api     *api.Handler
	mux     *http.ServeMux
	handler http.Handler
	// tls is the certificate served, nil for plain HTTP; https says the
	// site is served over HTTPS, by the server or a proxy.
	tls     *tls.Config
	https   bool
	metrics *metrics
	// feedback sweeps due and overdue rectification tasks (Sweep);
	// printer prints its reports, nil for none.
	feedback *feedback.Service
	printer  *pdf.Printer
	// hooks posts the events of sharing tokens' webhooks (Run).
	hooks *hook.Service
}

// New builds the services, the pages and the API, and checks every
// template and message file: a fault there fails New, not a request.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	tc, err := loadTLS(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, err
	}
	bundle, err := locale.Load()
	if err != nil {
		return nil, err
	}
	var pol auth.Policy
	s := &Server{cfg: cfg, log: cfg.Logger, auth: auth.NewService(cfg.DB, pol, org.GrantUnits{}), tls: tc,
		https: tc != nil || strings.HasPrefix(base, "https://"), metrics: newMetrics(cfg.DB)}
	orgs := org.NewService(cfg.DB, pol)
	schemes := scheme.NewService(cfg.DB, pol, sources.Scheme()...)
	collects := collect.NewService(cfg.DB, pol)
	surveys := survey.NewService(cfg.DB, pol)
	if cfg.BallotKeys != "" {
		if err := surveys.SetKeyDir(cfg.BallotKeys); err != nil {
			return nil, err
		}
	}
	cycles := cycle.NewService(cfg.DB, pol, sources.Cycle())
	tracks := track.NewService(cfg.DB, pol, collects)
	sources.Counts(collects, cycles, tracks)
	s.auth.NameAuditObjects(sources.AuditNamers())
	fields := fieldwork.NewService(cfg.DB, pol, collects)
	findings := finding.NewService(cfg.DB, pol)
	reviews := review.NewService(cfg.DB, pol, collects)
	if err := findings.SetPeriods(cfg.SanctionPeriods); err != nil {
		return nil, err
	}
	outcomes := outcome.NewService(cfg.DB, pol)
	s.feedback = feedback.NewService(cfg.DB, pol, cycles, collects)
	if cfg.Feedback.Chromium != "" || cfg.Feedback.ChromiumPath != "" {
		s.printer = pdf.New(cfg.Feedback.Chromium, cfg.Feedback.ChromiumPath)
	}
	s.feedback.SetAppealDays(cfg.Feedback.AppealDays)
	s.hooks = hook.NewService(cfg.DB, pol, s.auth, sources.Hooks(cycles, s.feedback)...)
	s.web, err = web.New(web.Config{
		Auth: s.auth, Org: orgs, Survey: surveys, Cycle: cycles, Scheme: schemes, Collect: collects, Field: fields, Finding: findings,
		Policy: pol, Locale: bundle, Logger: cfg.Logger, BaseURL: base,
		Analysis: analysis.NewService(cfg.DB, pol, cfg.MinCell), Outcome: outcomes, Track: tracks,
		Review: reviews, Feedback: s.feedback, Printer: s.printer, Hooks: s.hooks,
	})
	if err != nil {
		return nil, err
	}
	if cfg.Feedback.Sender != nil {
		s.feedback.SetSender(cfg.Feedback.Sender, s.web.Wording())
	}
	s.api = api.New(api.Config{Auth: s.auth, Org: orgs, Scheme: schemes, Collect: collects, Survey: surveys, Cycle: cycles,
		Field: fields, Finding: findings, Locale: bundle, Logger: cfg.Logger, Outcome: outcomes,
		Review: reviews})

	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.web.Register(s.mux)
	s.api.Register(s.mux)

	// Outermost first: log, recover, headers, cross-origin check, actor.
	h := matchedRoutes(s.mux)
	h = s.authenticate(h)
	h = s.crossOrigin(h)
	h = securityHeaders(h, s.https)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	s.handler = h
	return s, nil
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on l until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish for up to 10 seconds.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	if s.tls != nil {
		hs.TLSConfig = s.tls
		l = tls.NewListener(l, s.tls)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	go s.sweep(ctx)
	go s.hooks.Run(ctx, hookEvery, func(err error) { s.log.WarnContext(ctx, "webhooks", "err", err) })
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.printer != nil {
		defer s.printer.Close()
	}
	if err := hs.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadTLS reads the certificate and key files, nil when neither is given.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, errors.New("a TLS certificate needs its key and a key its certificate (--tls-cert and --tls-key)")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load the TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// healthz answers 200 with the database engine and schema version.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	current, known, err := s.cfg.DB.SchemaVersion(r.Context())
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		s.cfg.Logger.Error("healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]any{"status": "unavailable"})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"status":         "ok",
		"engine":         s.cfg.DB.Engine,
		"schema_version": current,
		"schema_known":   known,
	})
}

// hookEvery is how often the webhooks are matched against the audit log
// and their due deliveries posted.
const hookEvery = 5 * time.Second

// sweep reminds and escalates rectification tasks (feedback.Service.Sweep)
// at start and every hour until ctx ends.
func (s *Server) sweep(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.feedback.Sweep(ctx, auth.SystemActor("sweep")); err != nil {
			s.log.WarnContext(ctx, "sweep rectification tasks", "err", err)
		} else if n.Reminded+n.Escalated > 0 {
			s.log.InfoContext(ctx, "swept rectification tasks", "reminded", n.Reminded, "escalated", n.Escalated)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
