package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
)

// cycleOpen answers the top bar's cycle selector: it redirects to the
// chosen cycle's dashboard, or for an actor who may not read the cycle as
// a whole (an assessed cadre) to its own result there (cycleLink).
func (h *Handler) cycleOpen(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Redirect(w, r, "/cycles", http.StatusSeeOther)
		return
	}
	c, err := h.cycle.Cycle(r.Context(), a, id)
	switch {
	case err == nil:
	case errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden):
		// Not readable as a whole: the cycle is known only by its id.
		c = &cycle.Cycle{ID: id}
	default:
		h.fail(w, r, err)
		return
	}
	own, err := h.ownResults(r.Context(), a, []*cycle.Cycle{c})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, h.cycleLink(a, c, own), http.StatusSeeOther)
}
