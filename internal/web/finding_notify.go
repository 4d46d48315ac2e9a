package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
)

// findingNotify records that finding id was notified to those it names,
// on the day given (today by default).
func (h *Handler) findingNotify(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.finding.Notify(r.Context(), a, id, strings.TrimSpace(r.PostFormValue("notified_on")), r.PostFormValue("reason")); err != nil {
		h.refuseFinding(w, r, a, err, &findingRefusal{of: "notify"})
		return
	}
	http.Redirect(w, r, findingPath(id)+"?flash=finding_notified", http.StatusSeeOther)
}
