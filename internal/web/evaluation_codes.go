package web

import (
	"html/template"
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationCodesData is the printable code sheet: one slip per unused
// code with its QR code, to cut and hand out in the meeting hall.
type evaluationCodesData struct {
	ID     int64
	Title  string
	Period string
	Slips  []codeSlip
	// Used counts the codes left off the sheet because they were used.
	Used int
}

type codeSlip struct {
	Group, Code, URL string
	No               int
	QR               template.HTML
}

// evaluationCodes renders the sheet of unused codes (?group= narrows it
// to one rater group). It is a page of its own, without navigation, to
// print.
func (h *Handler) evaluationCodes(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.survey.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	codes, err := h.survey.Codes(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "evaluations")
	data := evaluationCodesData{ID: id, Title: e.Title, Period: e.Period}
	group := survey.GroupCode(r.URL.Query().Get("group"))
	base := h.base
	for _, c := range codes {
		if group != "" && c.Group != group {
			continue
		}
		if c.Used {
			data.Used++
			continue
		}
		url := survey.BallotURL(base, c.Code)
		svg, err := survey.QRSVG(url)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Slips = append(data.Slips, codeSlip{Group: p.loc.T("survey.group." + string(c.Group)), Code: c.Display(),
			URL: url, No: c.Serial + 1, QR: template.HTML(svg)}) // the SVG is built by survey.QRSVG from numbers only
	}
	p.Data = data
	h.write(w, r, http.StatusOK, "evaluation_codes", "sheet", p)
}
