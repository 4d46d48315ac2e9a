package web

import (
	"net/http"

	"kaohe/internal/errs"
	"kaohe/internal/session"
)

// signinData is the content of the sign-in page.
type signinData struct {
	Login string
	Next  string
}

// signinForm shows the sign-in page; a signed-in user goes home.
func (h *Handler) signinForm(w http.ResponseWriter, r *http.Request) {
	if session.Actor(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := h.newPage(r, "")
	p.Data = signinData{Next: localPath(r.URL.Query().Get("next"))}
	h.renderBare(w, r, http.StatusOK, "signin", p)
}

// signin checks the login and password and starts a new session. Any
// session the browser brought along is ended first and never reused, so
// that a token planted before sign-in is worthless after it.
func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	login, password := r.PostFormValue("login"), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	if info := session.From(r.Context()); info.Token != "" {
		if err := h.auth.SignOut(r.Context(), info.Token); err != nil {
			h.log.WarnContext(r.Context(), "end previous session", "err", err)
		}
	}
	token, actor, err := h.auth.SignIn(r.Context(), login, password, session.ClientAddr(r))
	if err != nil {
		session.ClearCookie(w, r)
		p := h.newPage(r, "")
		p.Actor = nil
		p.Error = p.loc.Error(err)
		p.Data = signinData{Login: login, Next: next}
		h.renderBare(w, r, errs.HTTPStatus(err), "signin", p)
		return
	}
	session.SetCookie(w, r, token)
	if actor.Lang != "" {
		session.SetLangCookie(w, r, actor.Lang)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signout ends the session.
func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	if info := session.From(r.Context()); info.Token != "" {
		if err := h.auth.SignOut(r.Context(), info.Token); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	session.ClearCookie(w, r)
	http.Redirect(w, r, "/signin?flash=signed_out", http.StatusSeeOther)
}
