package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// feedbackPDF prints report id as an A4 PDF through Chromium: the
// document with its 文号 header, the radar, the points, the seal area and
// page numbers.
func (h *Handler) feedbackPDF(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.feedback.Report(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.printer.Available() {
		h.fail(w, r, errs.New(errs.Conflict, "feedback.pdf_unavailable", "no browser to print with"))
		return
	}
	p := h.newPage(r, "feedback")
	p.Title = rep.DocNo + " " + rep.Name
	p.Data = h.feedbackView(r.Context(), p.loc, a, rep)
	body, err := h.views.execute(p.Lang, "feedback_show", "feedback_print", p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	css, err := staticFS.ReadFile("static/print.css")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The document is printed, never served: its style is inline.
	doc := `<!DOCTYPE html><html lang="` + p.Lang + `"><head><meta charset="utf-8"><title>` + html.EscapeString(p.Title) +
		`</title><style>` + string(css) + `</style></head><body>` + string(body) + `</body></html>`
	footer := `<div style="width:100%;text-align:center;font-size:9pt;font-family:'Noto Sans CJK SC',sans-serif">` +
		strings.NewReplacer("{page}", `<span class="pageNumber"></span>`, "{pages}", `<span class="totalPages"></span>`).
			Replace(p.loc.T("feedback.page_footer")) + `</div>`
	out, err := h.printer.Print(r.Context(), doc, footer)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "inline; filename=\"report.pdf\"; filename*=UTF-8''"+url.PathEscape(rep.Name+"-"+rep.DocNo+".pdf"))
	w.Write(out)
}
