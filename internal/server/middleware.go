package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"kaohe/internal/errs"
	"kaohe/internal/session"
	"kaohe/internal/web"
)

// ContentSecurityPolicy is sent with every response: scripts and styles
// come only from this site, so no inline script or style runs, and no
// other site may frame a page.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler, https bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if https || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// reqLog is filled in as a request passes the middleware, for its log line.
type reqLog struct {
	userID int64
	// route is the pattern that matched (matchedRoutes), "" for none.
	route string
}

type reqLogKey struct{}

// logRequests writes one structured line per request: method, path,
// status, size, duration, the client's address and the user id. Query
// strings, cookies and tokens are never logged. It puts the client's
// address in the request context for the handlers (sign-in throttling).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqLog{}
		rec := &recorder{ResponseWriter: w}
		addr := s.clientAddr(r)
		ctx := session.WithClientAddr(context.WithValue(r.Context(), reqLogKey{}, info), addr)
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.metrics.observe(r.Method, info.route, rec.status, time.Since(start))
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", web.LogPath(r.URL.Path)),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("addr", addr),
			slog.Int64("user_id", info.userID),
		)
	})
}

// recoverPanics turns a panic into the 500 page and logs it with its stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", web.LogPath(r.URL.Path),
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rec.status != 0 {
				return // the response has begun; nothing sensible can follow
			}
			if isAPI(r) {
				s.api.ServeError(w, r, errs.Errorf(errs.Internal, "panic"))
				return
			}
			s.web.ServeError(w, r, errs.Errorf(errs.Internal, "panic"))
		}()
		next.ServeHTTP(rec, r)
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// authenticate finds the actor of the request — from an API token in
// "Authorization: Bearer …" on /api/ paths, else from the session cookie —
// and puts it in the request context. An unknown or expired credential
// leaves the request anonymous (and clears a stale cookie); the pages and
// endpoints then ask for a sign-in.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		info := &session.Info{Secure: s.https}
		if h := r.Header.Get("Authorization"); h != "" && isAPI(r) {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.api.ServeError(w, r, errs.New(errs.Unauthorized, "auth.bad_authorization", "Authorization must be Bearer <token>"))
				return
			}
			a, err := s.auth.ActorForAPIToken(ctx, strings.TrimSpace(token))
			if err != nil && !errs.Is(err, errs.Unauthorized) && !errs.Is(err, errs.NotFound) {
				s.api.ServeError(w, r, err)
				return
			}
			if a != nil && err == nil {
				info.Actor, info.API = a, true
			}
		} else if c, err := r.Cookie(session.CookieName); err == nil && c.Value != "" {
			a, err := s.auth.ActorForSession(ctx, c.Value)
			switch {
			case err == nil && a != nil:
				info.Actor, info.Token = a, c.Value
			case errs.Is(err, errs.Unauthorized), errs.Is(err, errs.NotFound), err == nil:
				session.ClearCookie(w, r)
				info.Expired = true
			default:
				s.log.ErrorContext(ctx, "resolve session", "err", err)
				if isAPI(r) {
					s.api.ServeError(w, r, err)
				} else {
					s.web.ServeError(w, r, err)
				}
				return
			}
		}
		if info.Actor != nil {
			if l, ok := ctx.Value(reqLogKey{}).(*reqLog); ok {
				l.userID = info.Actor.UserID
			}
		}
		next.ServeHTTP(w, r.WithContext(session.With(ctx, info)))
	})
}

// crossOrigin refuses unsafe requests (POST, PUT, PATCH, DELETE) sent by
// another site, using the browser's Sec-Fetch-Site and Origin headers.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := errs.New(errs.Forbidden, "error.cross_origin", "cross-origin request refused")
		s.log.WarnContext(r.Context(), "cross-origin request refused", "method", r.Method, "path", web.LogPath(r.URL.Path),
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		if isAPI(r) {
			s.api.ServeError(w, r, err)
			return
		}
		s.web.ServeError(w, r, err)
	}))
	return cop.Handler(next)
}
