package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
)

// schemeExport downloads a version as an Excel workbook (…/export.xlsx)
// or as JSON (…/export.json); the workbook is also the import template.
func (h *Handler) schemeExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var (
		buf  bytes.Buffer
		ext  string
		mime string
	)
	switch r.PathValue("format") {
	case "export.xlsx":
		_, err = h.scheme.ExportExcel(r.Context(), a, v.ID, &buf)
		ext, mime = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "export.json":
		b, _, e := h.scheme.Export(r.Context(), a, v.ID)
		if err = e; err == nil {
			err = b.ExportJSON(&buf)
		}
		ext, mime = "json", "application/json; charset=utf-8"
	default:
		err = notFound()
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s-v%d.%s", s.Code, v.Number, ext)
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
