package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
)

// printDocument prints body, a print template rendered in lang, as an A4
// PDF titled title through Chromium, with footer (where {page} and
// {pages} stand for the page numbers) at the foot of every page, and
// sends it as file name, with fallback for clients without RFC 5987.
func (h *Handler) printDocument(w http.ResponseWriter, r *http.Request, lang, title string, body []byte, footer, name, fallback string) {
	css, err := staticFS.ReadFile("static/print.css")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The document is printed, never served: its style is inline.
	doc := `<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><title>` + html.EscapeString(title) +
		`</title><style>` + string(css) + `</style></head><body>` + string(body) + `</body></html>`
	foot := `<div style="width:100%;text-align:center;font-size:9pt;font-family:'Noto Sans CJK SC',sans-serif">` +
		strings.NewReplacer("{page}", `<span class="pageNumber"></span>`, "{pages}", `<span class="totalPages"></span>`).
			Replace(html.EscapeString(footer)) + `</div>`
	out, err := h.printer.Print(r.Context(), doc, foot)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+fallback+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(out)
}
