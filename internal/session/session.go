// Package session carries what the server learns about one request — the
// signed-in actor, the session token and the interface language — in the
// request context, and sets and clears the session cookie. The server's
// auth middleware fills it; the web pages and the API read it.
package session

import (
	"context"
	"net/http"

	"kaohe/internal/auth"
)

// CookieName is the name of the session cookie.
const CookieName = "kaohe_session"

// LangCookie remembers the language chosen before sign-in.
const LangCookie = "kaohe_lang"

// Info is what the server knows about a request's sender.
type Info struct {
	// Actor is the signed-in user, nil for an anonymous request.
	Actor *auth.Actor
	// Token is the session token from the cookie, "" for API tokens and
	// anonymous requests. It is never logged.
	Token string
	// API reports that the actor was found by an API token.
	API bool
	// Secure reports that the site is served over HTTPS — by the server
	// itself or by a reverse proxy in front of it — so that cookies are
	// Secure even on a proxied plain connection.
	Secure bool
	// Expired reports a session cookie that is no longer valid: the
	// sign-in page then says the session has ended.
	Expired bool
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the request's info; never nil.
func From(ctx context.Context) *Info {
	if info, ok := ctx.Value(key{}).(*Info); ok && info != nil {
		return info
	}
	return &Info{}
}

// Actor returns the signed-in actor of ctx, nil when anonymous.
func Actor(ctx context.Context) *auth.Actor { return From(ctx).Actor }

// Secure reports whether cookies set for r must be Secure: r came over
// TLS, or the site is served over HTTPS (Info.Secure).
func Secure(r *http.Request) bool { return r.TLS != nil || From(r.Context()).Secure }

// SetCookie sets the session cookie: HttpOnly, SameSite=Lax, and Secure
// when the site is served over HTTPS (Secure). It lives as long as the browser; the
// server decides when the session itself ends.
func SetCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   Secure(r),
	})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   Secure(r),
	})
}

// SetLangCookie remembers the language chosen by an anonymous visitor.
func SetLangCookie(w http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(w, &http.Cookie{
		Name:     LangCookie,
		Value:    lang,
		Path:     "/",
		MaxAge:   365 * 24 * 3600,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   Secure(r),
	})
}
