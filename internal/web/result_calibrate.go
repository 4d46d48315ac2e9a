package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
)

// resultCalibrate changes an entity's grade with a reason.
func (h *Handler) resultCalibrate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	entity := r.PathValue("entity")
	if _, err := h.cycle.Calibrate(r.Context(), a, id, entity, r.PostFormValue("grade"), r.PostFormValue("reason")); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(id, 10)+"/results/"+url.PathEscape(entity)+"?flash=result_calibrated", http.StatusSeeOther)
}
