// Package web serves Kaohe's server-rendered pages. Each page or action has
// its own file named after it (unit_show.go, user_save.go); handlers parse
// the request, call one service method — the service checks the actor's
// permission — and render a template or redirect. Templates and static
// files are embedded and checked when New runs.
package web

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/web/locale"
	"kaohe/internal/web/session"
)

// Config is what the pages need.
type Config struct {
	DB     *db.DB
	Auth   *auth.Service
	Org    *org.Service
	Policy auth.Policy
	Locale *locale.Bundle
	Logger *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	db     *db.DB
	auth   *auth.Service
	org    *org.Service
	policy auth.Policy
	loc    *locale.Bundle
	log    *slog.Logger
	views  *views
}

// New parses and checks every template; a template that is missing, does
// not parse or uses an unknown message key makes it fail.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	v, err := loadViews(cfg.Locale)
	if err != nil {
		return nil, err
	}
	return &Handler{
		db: cfg.DB, auth: cfg.Auth, org: cfg.Org, policy: cfg.Policy,
		loc: cfg.Locale, log: cfg.Logger, views: v,
	}, nil
}

// Register adds the pages' routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))

	mux.HandleFunc("GET /signin", h.signinForm)
	mux.HandleFunc("POST /signin", h.signin)
	mux.HandleFunc("POST /signout", h.signout)
	mux.HandleFunc("POST /language", h.languageSave)

	mux.HandleFunc("GET /{$}", h.signedIn(h.home))
	mux.HandleFunc("GET /units", h.signedIn(h.unitTree))
	mux.HandleFunc("GET /units/search", h.signedIn(h.unitSearch))
	mux.HandleFunc("GET /units/{id}", h.signedIn(h.unitShow))
	mux.HandleFunc("GET /units/{id}/children", h.signedIn(h.unitChildren))
	mux.HandleFunc("GET /people/{id}", h.signedIn(h.personShow))
	mux.HandleFunc("GET /users", h.signedIn(h.userList))
	mux.HandleFunc("POST /users", h.signedIn(h.userSave))
	mux.HandleFunc("POST /users/{id}/grants", h.signedIn(h.userGrant))
	mux.HandleFunc("POST /users/{id}/revoke", h.signedIn(h.userRevoke))
	mux.HandleFunc("POST /users/{id}/password", h.signedIn(h.userReset))
	mux.HandleFunc("GET /audit", h.signedIn(h.auditList))
	mux.HandleFunc("GET /password", h.signedIn(h.passwordForm))
	mux.HandleFunc("POST /password", h.signedIn(h.passwordChange))
}

// staticHandler lets browsers cache static files: their URLs carry a hash
// of the content.
func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		next.ServeHTTP(w, r)
	})
}

// signedIn sends an anonymous visitor to the sign-in page and passes the
// actor to next.
func (h *Handler) signedIn(next func(w http.ResponseWriter, r *http.Request, a *auth.Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := session.Actor(r.Context())
		if a == nil {
			if isHTMX(r) {
				w.Header().Set("HX-Redirect", "/signin")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			q := url.Values{}
			if next := r.URL.RequestURI(); next != "/" {
				q.Set("next", next)
			}
			if session.From(r.Context()).Expired {
				q.Set("flash", "session_expired")
			}
			target := "/signin"
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next(w, r, a)
	}
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// localizer returns the localizer of the request: the signed-in user's
// language, else the language cookie, else Chinese.
func (h *Handler) localizer(r *http.Request) *locale.Localizer {
	if a := session.Actor(r.Context()); a != nil && a.Lang != "" {
		return h.loc.For(a.Lang)
	}
	if c, err := r.Cookie(session.LangCookie); err == nil {
		return h.loc.For(c.Value)
	}
	return h.loc.For(locale.Default)
}

// localPath returns next when it is a path on this site, else "/": a
// redirect after sign-in or a language switch never leaves the site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// ServeError renders the error page for err; the server's middleware uses
// it for panics, refused cross-origin requests and failed sign-in lookups.
func (h *Handler) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	h.fail(w, r, err)
}

// fail renders err: the localized message on the error page, with the
// status its code maps to. Internal errors are logged and shown generically.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := locale.Status(err)
	if status >= 500 {
		h.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var msg string
	var e *errs.Error
	if errors.As(err, &e) && status < 500 {
		msg = h.localizer(r).Error(err)
	}
	h.renderError(w, r, status, msg)
}

// requireAny returns nil when the policy lets a do action somewhere, and
// otherwise the policy's own answer for the actor's first granted unit:
// Forbidden, since the actor sees that unit but may not do this there.
func (h *Handler) requireAny(a *auth.Actor, action auth.Action) error {
	if !h.policy.Scope(a, action).Empty() {
		return nil
	}
	for _, g := range a.Grants {
		if err := h.policy.Authorize(a, action, g.UnitPath); err != nil {
			return err
		}
	}
	return notFound()
}

func notFound() error { return errs.New(errs.NotFound, "error.not_found", "not found") }
