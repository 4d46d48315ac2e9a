package web

import (
	"net/http"

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
	h.printDocument(w, r, p.Lang, p.Title, body, p.loc.T("feedback.page_footer"), rep.Name+"-"+rep.DocNo+".pdf", "report.pdf")
}
