package web

import (
	"net/http"
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
	Evaluations []option
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
	StartsOn, EndsOn, Draws, Evaluation                     string
	// Categories are the codes of the categories chosen.
	Categories []string
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
	p := h.newPage(r, "cycles")
	data := cycleListData{Form: form, Kinds: cycle.Kinds}
	for _, c := range list {
		data.Cycles = append(data.Cycles, cycleRow{ID: c.ID, Code: c.Code, Name: c.Name, Task: c.Task, Period: c.Period,
			Kind: string(c.Kind), Stage: string(c.Stage), Subject: string(c.Subject), Owner: c.OwnerName, Entities: c.Entities,
			Published: c.PublishedSnapshotID != 0, Link: cycleLink(h, a, c)})
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
			data.Evaluations = append(data.Evaluations, option{Value: strconv.FormatInt(e.ID, 10), Label: e.Title + " · " + e.Period})
		}
	}
	p.Error = msg
	p.Data = data
	h.render(w, r, status, "cycle_list", p)
}

// cycleLink is where a cycle of the list leads the actor.
func cycleLink(h *Handler, a *auth.Actor, c *cycle.Cycle) string {
	link := "/cycles/" + strconv.FormatInt(c.ID, 10)
	if h.policy.Authorize(a, auth.ActCycleRead, c.OwnerPath) != nil {
		link += "/ranking"
	}
	return link
}
