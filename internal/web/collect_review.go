package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectReview verifies a current value, or returns it to its provider
// with a reason, and goes back to the item's values.
func (h *Handler) collectReview(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	entity, err := strconv.ParseInt(f("entity"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	if _, err := h.collect.Review(r.Context(), a, entity, f("item"), f("period"), collect.Status(f("status")), f("reason")); err != nil {
		h.fail(w, r, err)
		return
	}
	q := url.Values{"unit": {f("unit")}, "item": {f("item")}, "period": {f("period")}, "flash": {"value_reviewed"}}
	http.Redirect(w, r, "/collect/values?"+q.Encode(), http.StatusSeeOther)
}
