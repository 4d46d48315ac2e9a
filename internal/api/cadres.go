package api

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// cadreList answers the cadres placed in a unit's subtree, ?name= matching
// a part of the name and ?serving=true keeping those in post.
func (h *Handler) cadreList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	uid, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	// The unit must be in the actor's sight even when the actor may list
	// only its own person, so that an outside unit answers 404.
	if _, err := h.org.Unit(r.Context(), a, uid); err != nil {
		h.ServeError(w, r, err)
		return
	}
	q := r.URL.Query()
	people, total, err := h.org.FindPeople(r.Context(), a, org.PersonFilter{
		Under: uid, Name: q.Get("name"), Serving: q.Get("serving") == "true", Limit: limit, Offset: offset,
	})
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := CadreList{Cadres: make([]Cadre, len(people)), Total: total}
	for i, p := range people {
		out.Cadres[i] = toCadre(p)
	}
	writeJSON(w, http.StatusOK, out)
}

// cadreGet answers one cadre with the post history.
func (h *Handler) cadreGet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	pid, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	p, err := h.org.Person(r.Context(), a, pid)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCadre(p))
}
