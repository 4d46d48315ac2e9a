package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/track"
)

// commitmentVerify records the assessment team's verdict on a commitment's
// year-end proof, which publishes its owner's delivery rate.
func (h *Handler) commitmentVerify(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.track.Verify(r.Context(), a, id, track.Verdict(r.PostFormValue("verdict")), r.PostFormValue("reason")); err != nil {
		h.refuseCommitment(w, r, a, err, "verify", nil)
		return
	}
	http.Redirect(w, r, commitmentPath(id)+"?flash=commitment_verified", http.StatusSeeOther)
}
