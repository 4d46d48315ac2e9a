package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/outcome"
)

// proposalList answers the rules' proposals you read (the office and
// leaders of the scope), filtered by ?status= and ?person=.
func (h *Handler) proposalList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	f := outcome.Filter{Status: outcome.Status(q.Get("status"))}
	if s := q.Get("person"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.ServeError(w, r, errNotFound())
			return
		}
		f.PersonID = id
	}
	ps, err := h.outcome.Proposals(r.Context(), a, f)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := ProposalList{Proposals: []Proposal{}}
	for _, p := range ps {
		out.Proposals = append(out.Proposals, toProposal(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// proposalDecide decides proposal {id}: {"adopt": true|false, "reason"}.
func (h *Handler) proposalDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in DecisionIn
	if !h.decodeBody(w, r, &in, 1<<16, `{"adopt": true, "reason": "…"}`) {
		return
	}
	p, err := h.outcome.Decide(r.Context(), a, id, in.Adopt, in.Reason)
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toProposal(p))
}
