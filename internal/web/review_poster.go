package web

import (
	"html/template"
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/review"
	"kaohe/internal/survey"
)

// reviewPosterData is the printable poster of a service item's window:
// its QR code opens the public review page.
type reviewPosterData struct {
	Item, Window, Unit string
	// Path is the review page on this site, which the QR code's address
	// (on the public base address) opens; the poster links it for a
	// preview.
	Path   string
	UnitID int64
	QR     template.HTML
}

// reviewPoster renders the poster to print and put up at the window, a
// page of its own without navigation.
func (h *Handler) reviewPoster(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	it, err := h.review.Item(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	url := review.PageURL(h.base, it.ID)
	svg, err := survey.QRSVG(url)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	p.Data = reviewPosterData{Item: it.Name, Window: it.Window, Unit: it.Unit, Path: review.PageURL("", it.ID), UnitID: it.UnitID,
		QR: template.HTML(svg)} // the SVG is built by survey.QRSVG from numbers only
	h.write(w, r, http.StatusOK, "review_poster", "review_sheet", p)
}
