package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// personPage is how many cadres the roster shows a page.
const personPage = 50

// personListData is the content of the cadre roster: the serving cadres
// of the actor's jurisdiction whose name holds the query, a page at a
// time.
type personListData struct {
	Query       string
	People      []personListRow
	Total       int
	From, To    int
	Prev, Next  string
	ShowResults bool
}

type personListRow struct {
	ID                     int64
	Name, Unit, Title      string
	Gender, Party, BirthOn string
}

// personList lists the serving cadres the actor may read (?q= a part of
// the name, ?offset= the page), by unit.
func (h *Handler) personList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 50 {
		q = string([]rune(q)[:50])
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	people, total, err := h.org.FindPeople(r.Context(), a, org.PersonFilter{Name: q, Serving: true, Limit: personPage, Offset: offset})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "units")
	data := personListData{Query: q, Total: total, From: offset + 1, To: offset + len(people)}
	for _, pe := range people {
		data.People = append(data.People, personListRow{ID: pe.ID, Name: pe.Name, Unit: pe.UnitName, Title: pe.Title,
			Gender: p.loc.T("person.gender." + string(pe.Gender)), Party: p.loc.T("person.party." + string(pe.Party)),
			BirthOn: pe.BirthDate[:min(len(pe.BirthDate), 7)]})
	}
	page := func(o int) string {
		v := url.Values{"offset": {strconv.Itoa(o)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/people?" + v.Encode()
	}
	if offset > 0 {
		data.Prev = page(max(offset-personPage, 0))
	}
	if offset+len(people) < total {
		data.Next = page(offset + personPage)
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "person_list", p)
}
