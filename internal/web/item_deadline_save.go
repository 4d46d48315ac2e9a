package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
)

// itemDeadlineSave sets, changes or (with an empty date) removes the
// deadline of a data item for a period, and goes back to the item.
func (h *Handler) itemDeadlineSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	code := r.PathValue("code")
	dl := collect.Deadline{Period: strings.TrimSpace(r.PostFormValue("period")), Due: strings.TrimSpace(r.PostFormValue("due"))}
	err := h.collect.SetDeadline(r.Context(), a, code, dl.Period, dl.Due)
	if err == nil {
		http.Redirect(w, r, "/items/"+code+"?flash=deadline_saved", http.StatusSeeOther)
		return
	}
	if !errs.Is(err, errs.Invalid) {
		h.fail(w, r, err)
		return
	}
	mi, merr := h.collect.ManagedItem(r.Context(), a, code)
	if merr != nil {
		h.fail(w, r, merr)
		return
	}
	p := h.newPage(r, "items")
	data := &itemEditData{Form: formOf(mi.Item), Deadlines: mi.Deadlines, Deadline: dl}
	data.DeadlineErrors, data.General = h.fieldErrors(p, err, "period", "due")
	h.renderItemForm(w, r, a, errs.HTTPStatus(err), data)
}
