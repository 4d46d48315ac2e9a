package web

import (
	"net/http"

	"kaohe/internal/auth"
)

// unitTreeData is the content of the jurisdiction tree page.
type unitTreeData struct {
	Query string
	Roots []unitNode
}

// unitTree shows the top units of the actor's jurisdiction; their
// sub-units load when a node is opened (unitChildren).
func (h *Handler) unitTree(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	roots, err := h.org.Roots(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	categories, err := h.categoryNames(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "units")
	p.Data = unitTreeData{Roots: nodes(p, roots, categories)}
	h.render(w, r, http.StatusOK, "unit_tree", p)
}

// unitChildren answers the sub-units of a unit as tree nodes, for htmx;
// a plain request gets the unit's page.
func (h *Handler) unitChildren(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kids, err := h.org.Children(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	categories, err := h.categoryNames(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/units/"+r.PathValue("id"), http.StatusSeeOther)
		return
	}
	p := h.newPage(r, "units")
	p.Data = nodes(p, kids, categories)
	h.renderPartial(w, r, "unit_tree", "unit_children", p)
}
