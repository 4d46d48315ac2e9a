package web

import (
	"fmt"
	"net/http"

	"kaohe/internal/auth"
)

// schemeVersionActivate makes a draft the scheme's active version.
func (h *Handler) schemeVersionActivate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.setVersionStatus(w, r, a, true)
}

// schemeVersionRetire retires the active version.
func (h *Handler) schemeVersionRetire(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.setVersionStatus(w, r, a, false)
}

func (h *Handler) setVersionStatus(w http.ResponseWriter, r *http.Request, a *auth.Actor, activate bool) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "version_activated"
	if activate {
		_, err = h.scheme.Activate(r.Context(), a, v.ID)
	} else {
		_, err = h.scheme.Retire(r.Context(), a, v.ID)
		flash = "version_retired"
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=%s", s.ID, v.Number, flash), http.StatusSeeOther)
}
