package web

import (
	"net/http"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
)

// personPrintData is the cadre page as its printed archive shows it,
// with the day it was printed.
type personPrintData struct {
	personShowData
	PrintedOn string
}

// personPDF prints the archive of cadre id (干部实绩档案) as an A4 PDF
// through Chromium: what the cadre page shows the actor, as of the
// request's ?asof= day, with the radars drawn as SVG and without the
// page's forms and links.
func (h *Handler) personPDF(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	pe, err := h.pathPerson(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.printer.Available() {
		h.fail(w, r, errs.New(errs.Conflict, "person.pdf_unavailable", "no browser to print with"))
		return
	}
	p := h.newPage(r, "units")
	data, err := h.personView(r, p, a, pe)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, rows := range [][]archiveRow{data.Results.Rows, data.TeamResults.Rows} {
		for i := range rows {
			rows[i].SVG = radarSVG(p.loc, radarAxes(rows[i].dims))
		}
	}
	p.Title = p.loc.T("person.pdf.title") + " " + pe.Name
	p.Data = personPrintData{personShowData: data, PrintedOn: p.loc.Date(time.Now().In(beijing))}
	body, err := h.views.execute(p.Lang, "person_show", "person_print", p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := pe.Name + "-" + p.loc.T("person.pdf.title")
	if data.Outcome != nil && data.Outcome.AsOf != "" {
		name += "-" + data.Outcome.AsOf
	}
	h.printDocument(w, r, p.Lang, p.Title, body, p.loc.T("person.pdf.footer", "name", pe.Name), name+".pdf", "archive.pdf")
}

// radarAxes are dimensions as the printed radar draws them.
func radarAxes(dims []cycle.Dimension) []feedback.Axis {
	out := make([]feedback.Axis, len(dims))
	for i, d := range dims {
		out[i] = feedback.Axis{Name: d.Name, Score: d.Score, Median: d.Median, Mean: d.Mean}
	}
	return out
}
