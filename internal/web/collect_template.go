package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectTemplate downloads the Excel template of a department's grid for
// a period: its entities, its items, the current values.
func (h *Handler) collectTemplate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	_, data, err := h.collectLoad(r, a, r.URL.Query().Get("owner"), r.URL.Query().Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Grid == nil {
		h.fail(w, r, notFound())
		return
	}
	var buf bytes.Buffer
	if err := collect.WriteTemplate(&buf, data.Grid); err != nil {
		h.fail(w, r, err)
		return
	}
	name := data.Owner.Name + "-" + data.Period + "-数据填报.xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"template.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
