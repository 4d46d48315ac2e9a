package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// commitmentReview records the office's review of a submitted commitment:
// approve, or return with comments.
func (h *Handler) commitmentReview(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	comment := r.PostFormValue("comment")
	flash := "commitment_approved"
	if r.PostFormValue("decision") == "return" {
		flash = "commitment_returned"
		_, err = h.track.Return(r.Context(), a, id, comment)
	} else {
		_, err = h.track.Approve(r.Context(), a, id, comment)
	}
	if err != nil {
		h.refuseCommitment(w, r, a, err, "review", nil)
		return
	}
	http.Redirect(w, r, commitmentPath(id)+"?flash="+flash, http.StatusSeeOther)
}

// commitmentDecide records the office's decision on the change waiting:
// approve, or return with comments.
func (h *Handler) commitmentDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	approve := r.PostFormValue("decision") != "return"
	if _, err := h.track.DecideChange(r.Context(), a, id, approve, r.PostFormValue("comment")); err != nil {
		h.refuseCommitment(w, r, a, err, "decide", nil)
		return
	}
	http.Redirect(w, r, commitmentPath(id)+"?flash=commitment_change_decided", http.StatusSeeOther)
}
