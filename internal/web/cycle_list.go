package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/scheme"
	"kaohe/internal/survey"
)

// cycleListData is the content of the cycles page.
type cycleListData struct {
	Cycles []cycleRow
	// CanCreate shows the form that makes a cycle.
	CanCreate bool
	Form      cycleForm
	Versions  []scheme.Choice
	Kinds     []cycle.Kind
	Owners    []ownerChoice
	// Categories are the categories of units to assess, by name;
	// Evaluations the democratic evaluations the cycle may rate with.
	Categories  []categoryOption
	Evaluations []categoryOption
}

// cycleRow is one cycle of the list.
type cycleRow struct {
	ID                       int64
	Code, Name, Task, Period string
	Kind, Stage, Subject     string
	Owner                    string
	Entities                 int
	Published                bool
	// Link is the dashboard, or for an assessed cadre who may not read
	// the cycle, its ranking (which holds the cadre's own result).
	Link string
}

// cycleForm is what the form that makes a cycle holds.
type cycleForm struct {
	Owner, Code, Name, Kind, Task, Subject, Version, Period string
	StartsOn, EndsOn, Draws                                 string
	// Categories are the codes of the categories chosen, Evaluations the
	// IDs of the evaluations.
	Categories, Evaluations []string
}

// ownerChoice is a unit the actor may run cycles for.
type ownerChoice struct {
	ID   int64
	Name string
}

// cycleList lists the cycles the actor may see, with the form that makes
// one for the office.
func (h *Handler) cycleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderCycles(w, r, a, http.StatusOK, "", cycleForm{Kind: string(cycle.Annual), Subject: string(cycle.SubjectPerson), Draws: "200"})
}

func (h *Handler) renderCycles(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, msg string, form cycleForm) {
	ctx := r.Context()
	list, err := h.cycle.Cycles(ctx, a, cycle.Filter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	own, err := h.ownResults(ctx, a, list)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "cycles")
	data := cycleListData{Form: form, Kinds: cycle.Kinds}
	for _, c := range list {
		data.Cycles = append(data.Cycles, cycleRow{ID: c.ID, Code: c.Code, Name: c.Name, Task: c.Task, Period: c.Period,
			Kind: string(c.Kind), Stage: string(c.Stage), Subject: string(c.Subject), Owner: c.OwnerName, Entities: c.Entities,
			Published: c.PublishedSnapshotID != 0, Link: h.cycleLink(a, c, own)})
	}
	for _, g := range a.Grants {
		if g.Role == auth.RoleOffice {
			data.Owners = append(data.Owners, ownerChoice{ID: g.UnitID, Name: g.UnitName})
		}
	}
	if len(data.Owners) > 0 || a.System {
		data.CanCreate = true
		if data.Versions, err = h.cycle.VersionChoices(ctx, a); err != nil {
			h.fail(w, r, err)
			return
		}
		names, err := h.categoryCodes(ctx, a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Categories = categoryOptions(names, form.Categories)
		evs, err := h.survey.List(ctx, a, survey.Filter{})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, e := range evs {
			id := strconv.FormatInt(e.ID, 10)
			data.Evaluations = append(data.Evaluations, categoryOption{Code: id, Name: e.Title, Checked: slices.Contains(form.Evaluations, id)})
		}
	}
	p.Error = msg
	p.Data = data
	h.render(w, r, status, "cycle_list", p)
}

// cycleLink is where cycle c leads the actor: its dashboard for a reader
// of the cycle; else the actor's own result in it (an assessed cadre's, or
// her team's), from own (ownResults); else its ranking.
func (h *Handler) cycleLink(a *auth.Actor, c *cycle.Cycle, own map[int64]string) string {
	link := "/cycles/" + strconv.FormatInt(c.ID, 10)
	if h.policy.Authorize(a, auth.ActCycleRead, c.OwnerPath) == nil {
		return link
	}
	if e, ok := own[c.ID]; ok {
		return link + "/results/" + e
	}
	return link + "/ranking"
}

// ownResults maps the cycles of cs the actor may not read as a whole to
// its own entity in them; nil when it reads them all.
func (h *Handler) ownResults(ctx context.Context, a *auth.Actor, cs []*cycle.Cycle) (map[int64]string, error) {
	if !slices.ContainsFunc(cs, func(c *cycle.Cycle) bool { return h.policy.Authorize(a, auth.ActCycleRead, c.OwnerPath) != nil }) {
		return nil, nil
	}
	entries, err := h.cycle.Archive(ctx, a, cycle.ArchiveFilter{Own: true})
	if err != nil {
		return nil, err
	}
	own := map[int64]string{}
	for _, e := range entries {
		if _, ok := own[e.Cycle.ID]; !ok {
			own[e.Cycle.ID] = e.Result.Entity.ID
		}
	}
	return own, nil
}
