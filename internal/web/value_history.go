package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
)

// valueHistory shows every version of an entity's values of one data item
// in every period (?entity=&item=): value, source, submitter, status,
// reason, flag and time. The office and the owning provider open it from
// the review page and the collection grid.
func (h *Handler) valueHistory(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	entity, err := strconv.ParseInt(q.Get("entity"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	hist, err := h.collect.ValueHistory(r.Context(), a, entity, strings.TrimSpace(q.Get("item")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nav := "collect"
	if !h.policy.Scope(a, auth.ActCollectStatus).Empty() {
		nav = "collect_status"
	}
	p := h.newPage(r, nav)
	p.Data = hist
	h.render(w, r, http.StatusOK, "value_history", p)
}
