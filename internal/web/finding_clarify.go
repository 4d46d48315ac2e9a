package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// findingClarify records that a finding was a false accusation (澄清正名)
// and voids it. A refused form is shown again with its localized problems
// and writes nothing.
func (h *Handler) findingClarify(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := r.PostFormValue
	c := finding.Clarification{Kind: finding.Accusation(f("kind")), Alleged: f("alleged"), Found: f("found"), Conclusion: f("conclusion"),
		PublishedOn: f("published_on"), Audience: finding.Audience(f("audience"))}
	if _, err := h.finding.Clarify(r.Context(), a, id, c); err != nil {
		h.refuseReview(w, r, a, err)
		return
	}
	http.Redirect(w, r, reviewPath(id), http.StatusSeeOther)
}
