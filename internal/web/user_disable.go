package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// userDisable stops an account at once, with the reason typed: its
// sessions end and its API tokens are revoked.
func (h *Handler) userDisable(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.userSetDisabled(w, r, a, true)
}

// userEnable lets a disabled account sign in again, with a reason.
func (h *Handler) userEnable(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.userSetDisabled(w, r, a, false)
}

func (h *Handler) userSetDisabled(w http.ResponseWriter, r *http.Request, a *auth.Actor, disable bool) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	reason, flash := r.PostFormValue("reason"), "enabled"
	if disable {
		err, flash = h.auth.DisableUser(r.Context(), a, id, reason), "disabled"
	} else {
		err = h.auth.EnableUser(r.Context(), a, id, reason)
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			h.fail(w, r, err)
			return
		}
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{})
		return
	}
	http.Redirect(w, r, "/users?flash=user_"+flash, http.StatusSeeOther)
}

// userUnlock lifts the lock that failed sign-ins from many addresses put
// on an account, with a reason.
func (h *Handler) userUnlock(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.auth.UnlockUser(r.Context(), a, id, r.PostFormValue("reason")); err != nil {
		if errs.Is(err, errs.NotFound) {
			h.fail(w, r, err)
			return
		}
		h.renderUsers(w, r, a, errs.HTTPStatus(err), h.localizer(r).Error(err), userListData{})
		return
	}
	http.Redirect(w, r, "/users?flash=user_unlocked", http.StatusSeeOther)
}
