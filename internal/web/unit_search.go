package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// searchLimit caps the search results shown.
const searchLimit = 100

// unitSearchData is the content of the unit search page.
type unitSearchData struct {
	Query string
	Units []unitNode
	Total int
}

// unitSearch finds units in the actor's jurisdiction by a part of the
// name or of the code.
func (h *Handler) unitSearch(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 {
		q = string([]rune(q)[:100])
	}
	p := h.newPage(r, "units")
	data := unitSearchData{Query: q}
	if q != "" {
		us, total, err := h.org.FindUnits(r.Context(), a, org.UnitFilter{Query: q, Limit: searchLimit})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		categories, err := h.categoryNames(r.Context(), a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Units, data.Total = nodes(p, us, categories), total
		names := map[string]string{}
		for _, u := range us {
			names[u.Path] = u.Name
		}
		for i, u := range us {
			data.Units[i].Trail = trail(u.Path, names)
		}
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "unit_search", p)
}

// trail names the units above path among those found, "a › b".
func trail(path string, names map[string]string) string {
	var parts []string
	for i := 1; i < len(path)-1; i++ {
		if path[i] == '/' {
			if n, ok := names[path[:i+1]]; ok {
				parts = append(parts, n)
			}
		}
	}
	return strings.Join(parts, " › ")
}
