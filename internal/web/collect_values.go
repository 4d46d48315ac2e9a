package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
)

// collectValues lists the current values of one data item for a period in
// a region (?unit=&item=&period=), with the office's verify and return
// actions.
func (h *Handler) collectValues(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	unit, err := strconv.ParseInt(q.Get("unit"), 10, 64)
	if err != nil {
		h.fail(w, r, notFound())
		return
	}
	iv, err := h.collect.ItemValues(r.Context(), a, unit, strings.TrimSpace(q.Get("item")), strings.TrimSpace(q.Get("period")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "collect_status")
	p.Data = struct {
		UnitID int64
		Values any
	}{unit, iv}
	h.render(w, r, http.StatusOK, "collect_values", p)
}
