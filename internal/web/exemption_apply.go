package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// exemptionApply applies for the exemption of a finding, for the cadre
// chosen (person_id) or for the unit ("unit"). A refused form is shown
// again with its localized problems and writes nothing.
func (h *Handler) exemptionApply(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	app := finding.Application{Statement: r.PostFormValue("statement")}
	if v := strings.TrimSpace(r.PostFormValue("person_id")); v != "unit" {
		if app.PersonID, err = strconv.ParseInt(v, 10, 64); err != nil {
			h.refuseReview(w, r, a, errBadForm())
			return
		}
	}
	if _, err := h.finding.ApplyExemption(r.Context(), a, id, app); err != nil {
		h.refuseReview(w, r, a, err)
		return
	}
	http.Redirect(w, r, reviewPath(id), http.StatusSeeOther)
}
