package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// unitNode is a unit as the tree, lists and search results show it.
type unitNode struct {
	ID       int64
	Name     string
	Code     string
	Kind     string
	Category string
	// Trail names the units above, within the actor's sight.
	Trail string
	// HasChildren is true for regions above township level, which may have
	// sub-units; the tree loads them when opened.
	HasChildren bool
	// Open is true for a node the tree shows opened, with its Children
	// already loaded.
	Open     bool
	Children []unitNode
}

// pathID parses the {id} of the route; a malformed id is simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound()
	}
	return id, nil
}

// categoryNames maps category ids to names; an actor who may read no
// category gets an empty map.
func (h *Handler) categoryNames(ctx context.Context, a *auth.Actor) (map[int64]string, error) {
	cs, err := h.org.Categories(ctx, a, "")
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
		return map[int64]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(cs))
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	return names, nil
}

// nodes converts units for display.
func nodes(p *page, us []*org.Unit, categories map[int64]string) []unitNode {
	out := make([]unitNode, len(us))
	for i, u := range us {
		out[i] = unitNode{
			ID: u.ID, Name: u.Name, Code: u.Code,
			Kind:        p.loc.T("unit.level."+string(u.Level)) + " · " + p.loc.T("unit.kind."+string(u.Kind)),
			Category:    categories[u.CategoryID],
			HasChildren: u.Kind == org.KindRegion && u.Level != org.LevelTownship,
		}
	}
	return out
}

// crumbs returns the breadcrumb of the unit at path: the units from the
// top of the actor's sight down to it. Units above the actor's grants are
// not shown (the service answers NotFound for them).
func (h *Handler) crumbs(ctx context.Context, a *auth.Actor, path string, linkLast bool) ([]crumb, error) {
	var out []crumb
	ids := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		u, err := h.org.Unit(ctx, a, id)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c := crumb{Name: u.Name}
		if linkLast || i < len(ids)-1 {
			c.URL = "/units/" + s
		}
		out = append(out, c)
	}
	return out, nil
}
