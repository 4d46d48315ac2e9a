package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// findingUpdate changes finding id from the edit form, with the reason
// given. A refused form is shown again with every problem.
func (h *Handler) findingUpdate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form, d, _, err := readFindingForm(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.finding.Update(r.Context(), a, id, d, form.Reason); err != nil {
		h.refuseFinding(w, r, a, err, &findingRefusal{of: "edit", edit: &form})
		return
	}
	http.Redirect(w, r, findingPath(id)+"?flash=finding_updated", http.StatusSeeOther)
}
