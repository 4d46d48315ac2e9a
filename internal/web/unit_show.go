package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/track"
)

// unitShowData is the content of the unit page.
type unitShowData struct {
	// Alerts are the unit's key indicators lagging their trajectory;
	// Commitments links its 亮晒 board.
	Alerts      []alertRow
	Commitments string
	Unit        unitNode
	Parent      *unitNode
	Team        []personRow
	Children    []unitNode
	Cadres      []personRow
	// ShowTeam is false when the actor may see the unit but not who its
	// leadership team is (a data provider); ShowCadres is false when it
	// may not read the unit's cadres (a provider, or an assessed cadre,
	// who sees its team but only its own person).
	ShowTeam, ShowCadres bool
	// ShowChildren is false when the actor sees the unit alone (a cadre its
	// own unit), so that an empty list does not say it has none.
	ShowChildren bool
	// Results are the team's published results across cycles, as far as
	// the actor may read them.
	Results archiveView
}

// personRow is a person in a list of a unit's people.
type personRow struct {
	PersonID int64
	Name     string
	Title    string
	Since    time.Time
	Link     bool
}

// unitCadreLimit caps the cadres listed on a unit page.
const unitCadreLimit = 200

// unitShow shows a unit: its category, leadership team, sub-units and the
// cadres placed in it.
func (h *Handler) unitShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	u, err := h.org.Unit(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kids, err := h.org.Children(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	categories, err := h.categoryNames(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "units")
	data := unitShowData{Unit: nodes(p, []*org.Unit{u}, categories)[0], Children: nodes(p, kids, categories), ShowTeam: true,
		ShowCadres: h.policy.Authorize(a, auth.ActPersonRead, u.Path) == nil}
	units := h.policy.Scope(a, auth.ActUnitRead)
	data.ShowChildren = len(kids) > 0 || (auth.Scope{All: units.All, Subtrees: units.Subtrees}).Contains(u.Path)
	if u.ParentID != 0 {
		if parent, err := h.org.Unit(ctx, a, u.ParentID); err == nil {
			n := nodes(p, []*org.Unit{parent}, categories)[0]
			data.Parent = &n
		} else if !errs.Is(err, errs.NotFound) {
			h.fail(w, r, err)
			return
		}
	}
	team, err := h.org.Team(ctx, a, id, "")
	switch {
	case errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound):
		data.ShowTeam = false
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		for _, m := range team.Members {
			data.Team = append(data.Team, personRow{
				PersonID: m.Person.ID, Name: m.Person.Name, Title: m.Post.Title, Since: day(m.Post.Start),
				Link: h.policy.AuthorizePerson(a, auth.ActPersonRead, m.Person.ID, []string{m.Post.UnitPath}) == nil,
			})
		}
	}
	if data.ShowCadres {
		people, _, err := h.org.FindPeople(ctx, a, org.PersonFilter{Under: id, Serving: true, Limit: unitCadreLimit})
		if err != nil && !errs.Is(err, errs.NotFound) {
			h.fail(w, r, err)
			return
		}
		for _, pe := range people {
			if pe.UnitID != id {
				continue // placed in a sub-unit
			}
			data.Cadres = append(data.Cadres, personRow{PersonID: pe.ID, Name: pe.Name, Title: pe.Title, Link: true})
		}
	}
	results, err := h.cycle.Archive(ctx, a, cycle.ArchiveFilter{UnitID: id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Results = archiveOf(p, "unit", results)
	as, err := h.track.Alerts(ctx, a, track.AlertFilter{UnitID: id, Open: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Alerts = alertRows(p, as)
	if h.policy.Authorize(a, auth.ActCommitmentRead, u.Path) == nil {
		data.Commitments = "/commitments?unit=" + strconv.FormatInt(id, 10)
	}
	if p.Crumbs, err = h.crumbs(ctx, a, u.Path, false); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Title = u.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "unit_show", p)
}

// day parses a 'YYYY-MM-DD' date as midnight in Beijing, the zero time
// when it is empty or malformed.
func day(s string) time.Time {
	t, err := time.ParseInLocation(org.DateLayout, s, beijing)
	if err != nil {
		return time.Time{}
	}
	return t
}
