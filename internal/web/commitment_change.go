package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/track"
)

// commitmentChange revises a returned commitment and submits it again, or
// proposes a change of an approved one with its reason.
func (h *Handler) commitmentChange(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, d, err := readCommitmentForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.track.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "commitment_change_proposed"
	if c.Status == track.Returned {
		flash = "commitment_revised"
		_, err = h.track.Revise(r.Context(), a, id, d)
	} else {
		_, err = h.track.Propose(r.Context(), a, id, d, r.PostFormValue("reason"))
	}
	if err != nil {
		h.refuseCommitment(w, r, a, err, "edit", &f)
		return
	}
	http.Redirect(w, r, commitmentPath(id)+"?flash="+flash, http.StatusSeeOther)
}
