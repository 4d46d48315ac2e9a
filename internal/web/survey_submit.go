package web

import (
	"errors"
	"net/http"

	"kaohe/internal/errs"
	"kaohe/internal/session"
	"kaohe/internal/survey"
)

// surveySubmit stores an answer to a public survey. The device cookie and
// the network address feed the abuse limits and are not stored with it.
func (h *Handler) surveySubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	e, err := h.survey.PublicForm(r.Context(), token)
	if err != nil {
		h.ballotState(w, r, err)
		return
	}
	answers, values := ballotAnswers(r, e, true)
	addr := session.ClientAddr(r)
	dev := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		dev = c.Value
	}
	err = h.survey.SubmitPublic(r.Context(), token, survey.PublicSubmission{Answers: answers, Device: dev, Addr: addr})
	switch {
	case err == nil:
		h.renderBallot(w, r, http.StatusOK, nil, "", ballotData{State: "done"}, nil)
	case errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict):
		var ce *errs.Error
		if errors.As(err, &ce) && (ce.Key == survey.KeyNotOpen || ce.Key == survey.KeyDeviceAnswered) {
			state := "closed"
			if ce.Key == survey.KeyDeviceAnswered {
				state = "answered"
			}
			h.renderBallot(w, r, http.StatusConflict, nil, "", ballotData{State: state}, nil)
			return
		}
		device(w, r)
		d := ballotData{State: "form", Action: "/s/" + token, Public: true, Error: h.localizer(r).Error(err)}
		h.renderBallot(w, r, errs.HTTPStatus(err), e, "", d, values)
	default:
		h.fail(w, r, err)
	}
}
