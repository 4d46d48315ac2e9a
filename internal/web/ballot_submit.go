package web

import (
	"errors"
	"net/http"

	"kaohe/internal/errs"
	"kaohe/internal/survey"
)

// ballotSubmit casts the ballot of a code. A ballot that breaks a validity
// rule comes back with the rule explained and a box to cast it as invalid
// anyway; any other refusal keeps the answers given.
func (h *Handler) ballotSubmit(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	f, err := h.survey.Form(r.Context(), code)
	if err != nil {
		h.ballotState(w, r, err)
		return
	}
	answers, values := ballotAnswers(r, f.Evaluation, false)
	err = h.survey.Submit(r.Context(), code, survey.Submission{Answers: answers, AcceptInvalid: r.PostFormValue("accept_invalid") != ""})
	switch {
	case err == nil:
		h.renderBallot(w, r, http.StatusOK, nil, "", ballotData{State: "done"}, nil)
	case errs.Is(err, errs.Invalid):
		d := ballotData{State: "form", Action: "/b/" + code, Code: survey.FormatCode(code), Error: h.localizer(r).Error(err)}
		var e *errs.Error
		if errors.As(err, &e) && e.Key == survey.KeyRuleBroken {
			d.Rule = d.Error
		}
		h.renderBallot(w, r, errs.HTTPStatus(err), f.Evaluation, f.Group, d, values)
	default:
		h.ballotState(w, r, err)
	}
}
