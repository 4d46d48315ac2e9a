package web

import (
	"net/http"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
)

// taskListData is the list of rectification tasks; Overdue for the
// overdue list (逾期清单).
type taskListData struct {
	Overdue bool
	Rows    []taskListRow
}

type taskListRow struct {
	T      *feedback.Task
	Status string
	Late   bool
	Link   string
}

// taskList lists the tasks the actor may read, ?overdue=1 those past
// their deadline and not done.
func (h *Handler) taskList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	over := r.URL.Query().Get("overdue") != ""
	ts, err := h.feedback.Tasks(r.Context(), a, feedback.TaskFilter{Overdue: over})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "feedback")
	if over {
		p.Title = p.loc.T("feedback.overdue_list")
	}
	today := time.Now().In(beijing).Format(time.DateOnly)
	d := &taskListData{Overdue: over}
	for _, t := range ts {
		d.Rows = append(d.Rows, taskListRow{T: t, Status: p.loc.T("feedback.task_status." + string(t.Status)), Late: t.Overdue(today),
			Link: reportPath(t.ReportID) + "#task-" + db.FormatID(t.ID)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "task_list", p)
}
