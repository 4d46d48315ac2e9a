package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
)

// findingTemplate downloads the workbook a body fills in to record
// findings (?body= when the actor records as several).
func (h *Handler) findingTemplate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	body, _ := strconv.ParseInt(r.URL.Query().Get("body"), 10, 64)
	var buf bytes.Buffer
	if err := h.finding.WriteTemplate(r.Context(), a, body, &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"findings.xlsx\"; filename*=UTF-8''"+url.PathEscape("问题线索录入模板.xlsx"))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
