package web

import (
	"errors"
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// findingSave records a finding from the form, with its evidence files. A
// refused form is shown again with every problem and writes nothing.
func (h *Handler) findingSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	form, d, files, err := readFindingForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fd, err := h.finding.Create(r.Context(), a, d, files)
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		loc := h.localizer(r)
		v, verr := h.findingFormView(r.Context(), loc, a, form)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Errors = rowErrors(loc, err)
		h.renderFindings(w, r, a, errs.HTTPStatus(err), v, nil)
		return
	}
	http.Redirect(w, r, findingPath(fd.ID)+"?flash=finding_saved", http.StatusSeeOther)
}

// formProblem reports whether err is about what a form holds — bad input,
// or a unit or cadre it names that the actor may not name — so that the
// form is shown again with it, rather than the error page.
func formProblem(err error) bool {
	var e *errs.Error
	return errs.Is(err, errs.Invalid) || errors.As(err, &e) && e.Field != ""
}
