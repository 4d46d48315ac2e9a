package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/track"
)

// selfAssessmentData is the cadre's own page: her commitments of the year,
// the alerts of her unit, and her 述职/自评, which the office and the
// assessment team read beside the numbers.
type selfAssessmentData struct {
	Year        int
	Years       []int
	Body        string
	Saved       bool
	Commitments []commitmentRow
	Alerts      []alertRow
	Errors      []string
}

// selfAssessmentShow shows the cadre's self-service page (?year=).
func (h *Handler) selfAssessmentShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	h.renderSelfAssessment(w, r, a, http.StatusOK, year, "", nil)
}

func (h *Handler) renderSelfAssessment(w http.ResponseWriter, r *http.Request, a *auth.Actor, status, year int, body string, errors []string) {
	p := h.newPage(r, "self_assessment")
	data := selfAssessmentData{Years: commitmentYears(), Year: year, Body: body, Errors: errors}
	if data.Year == 0 {
		data.Year = data.Years[2]
	}
	if a.PersonID == 0 {
		h.fail(w, r, notFound())
		return
	}
	sa, err := h.track.SelfAssessmentOf(r.Context(), a, a.PersonID, data.Year)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if sa != nil && errors == nil {
		data.Body, data.Saved = sa.Body, true
	}
	cs, _, err := h.track.Board(r.Context(), a, track.Filter{Year: data.Year, PersonID: a.PersonID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, c := range cs {
		data.Commitments = append(data.Commitments, commitmentRowOf(p, c))
	}
	as, err := h.track.Alerts(r.Context(), a, track.AlertFilter{Open: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Alerts = alertRows(p, as)
	p.Title = p.loc.T("track.self_assessment")
	p.Data = data
	h.render(w, r, status, "self_assessment", p)
}

// selfAssessmentSave saves the cadre's 述职/自评 for a year.
func (h *Handler) selfAssessmentSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	body := r.PostFormValue("body")
	if _, err := h.track.SaveSelfAssessment(r.Context(), a, year, body); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderSelfAssessment(w, r, a, http.StatusUnprocessableEntity, year, body, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/self-assessment?flash=self_assessment_saved&year="+strconv.Itoa(year), http.StatusSeeOther)
}
