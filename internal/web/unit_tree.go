package web

import (
	"context"
	"net/http"

	"kaohe/internal/auth"
)

// unitTreeData is the content of the jurisdiction tree page.
type unitTreeData struct {
	Query string
	Roots []unitNode
}

// openLevels is how many levels of the tree open by themselves: the top
// units of the jurisdiction and their sub-units, so that the page shows
// the jurisdiction's regions and their own sub-units at once.
const openLevels = 2

// unitTree shows the top units of the actor's jurisdiction, opened
// openLevels deep; deeper sub-units load when a node is opened
// (unitChildren).
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
	top := nodes(p, roots, categories)
	if err := h.openNodes(r.Context(), p, a, top, categories, openLevels); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Data = unitTreeData{Roots: top}
	h.render(w, r, http.StatusOK, "unit_tree", p)
}

// openNodes loads the sub-units of the nodes that have some, levels deep,
// and marks those nodes open.
func (h *Handler) openNodes(ctx context.Context, p *page, a *auth.Actor, ns []unitNode, categories map[int64]string, levels int) error {
	if levels == 0 {
		return nil
	}
	for i := range ns {
		if !ns[i].HasChildren {
			continue
		}
		kids, err := h.org.Children(ctx, a, ns[i].ID)
		if err != nil {
			return err
		}
		ns[i].Open, ns[i].Children = true, nodes(p, kids, categories)
		if err := h.openNodes(ctx, p, a, ns[i].Children, categories, levels-1); err != nil {
			return err
		}
	}
	return nil
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
