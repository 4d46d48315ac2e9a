package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/fieldwork"
)

// fieldTasksData is the content of a cycle's field work task list.
type fieldTasksData struct {
	C    *cycle.Cycle
	T    *fieldwork.Tasks
	Show string
	// Filters are the selections by state, each with its count.
	Filters []fieldFilter
}

// fieldFilter is one selection of the task list.
type fieldFilter struct {
	Show, Label string
	Count       int
	Current     bool
}

// fieldTasks lists the entities of a cycle that the team verifies and
// interviews about, each with its state — 未开始, 已核查, 已谈话 — and its
// counts; ?show=todo|verified|interviewed selects by state.
func (h *Handler) fieldTasks(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	show := fieldwork.Show(r.URL.Query().Get("show"))
	if !show.Valid() {
		h.fail(w, r, notFound())
		return
	}
	ts, err := h.field.Tasks(r.Context(), a, id, show)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "field")
	data := fieldTasksData{C: ts.Cycle, T: ts, Show: string(show)}
	type spec struct {
		show  fieldwork.Show
		key   string
		count int
	}
	filters := []spec{{fieldwork.ShowAll, "fieldwork.state.all", ts.Entities}, {fieldwork.ShowTodo, "fieldwork.state.todo", ts.Todo},
		{fieldwork.ShowVerified, "fieldwork.state.verified", ts.Verified}}
	if ts.Interviews {
		filters = append(filters, spec{fieldwork.ShowInterviewed, "fieldwork.state.interviewed", ts.Interviewed})
	}
	for _, f := range filters {
		data.Filters = append(data.Filters, fieldFilter{Show: string(f.show), Label: p.loc.T(f.key), Count: f.count, Current: f.show == show})
	}
	p.Title = p.loc.T("fieldwork.tasks_of", "Cycle", ts.Cycle.Name)
	p.Data = data
	h.render(w, r, http.StatusOK, "field_tasks", p)
}
