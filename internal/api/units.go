package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// unitList answers the units in the actor's jurisdiction that match ?q=
// (a part of the name or code), or the top units without q.
func (h *Handler) unitList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	if q.Get("q") == "" && q.Get("limit") == "" && q.Get("offset") == "" {
		roots, err := h.org.Roots(r.Context(), a)
		if err != nil {
			h.ServeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, UnitList{Units: toUnits(roots), Total: len(roots)})
		return
	}
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	us, total, err := h.org.FindUnits(r.Context(), a, org.UnitFilter{Query: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, UnitList{Units: toUnits(us), Total: total})
}

// unitGet answers one unit.
func (h *Handler) unitGet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	uid, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	u, err := h.org.Unit(r.Context(), a, uid)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUnit(u))
}

// unitChildren answers the units directly under a unit.
func (h *Handler) unitChildren(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	uid, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	kids, err := h.org.Children(r.Context(), a, uid)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, UnitList{Units: toUnits(kids), Total: len(kids)})
}

// paging reads ?limit= (1–1000, 50 by default) and ?offset=.
func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = 50, 0
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
			e := errs.New(errs.Invalid, "api.limit_invalid", "limit must be 1 to 1000")
			e.Field = "limit"
			return 0, 0, e
		}
	}
	if s := q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			e := errs.New(errs.Invalid, "api.offset_invalid", "offset must be 0 or more")
			e.Field = "offset"
			return 0, 0, e
		}
	}
	return limit, offset, nil
}
