package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectStatusData is the content of the collection status page.
type collectStatusData struct {
	Status    *collect.CollectionStatus
	Reminders []collect.Reminder
	UnitID    int64
	Period    string
}

// collectStatusLoad reads the status of ?unit= (the actor's first region
// it may watch by default) for ?period= (last year by default).
func (h *Handler) collectStatusLoad(r *http.Request, a *auth.Actor) (*collectStatusData, error) {
	q := r.URL.Query()
	data := &collectStatusData{Period: strings.TrimSpace(q.Get("period"))}
	if data.Period == "" {
		data.Period = strconv.Itoa(time.Now().In(beijing).Year() - 1)
	}
	if u := q.Get("unit"); u != "" {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			return nil, notFound()
		}
		data.UnitID = id
	} else {
		if err := h.policy.RequireAny(a, auth.ActCollectStatus); err != nil {
			return nil, err
		}
		for _, g := range a.Grants {
			if h.policy.Authorize(a, auth.ActCollectStatus, g.UnitPath) == nil {
				data.UnitID = g.UnitID
				break
			}
		}
	}
	st, err := h.collect.Status(r.Context(), a, data.UnitID, data.Period)
	if err != nil {
		return nil, err
	}
	data.Status, data.Reminders = st, st.Reminders()
	return data, nil
}

// collectStatus shows the collection progress of a region for a period:
// completeness by department and item, overdue departments, the reminder
// list.
func (h *Handler) collectStatus(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	data, err := h.collectStatusLoad(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "collect_status")
	p.Data = data
	h.render(w, r, http.StatusOK, "collect_status", p)
}

// collectReminders downloads the reminder list as Excel.
func (h *Handler) collectReminders(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	data, err := h.collectStatusLoad(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := collect.WriteReminders(&buf, data.Status); err != nil {
		h.fail(w, r, err)
		return
	}
	name := data.Status.Region + "-" + data.Period + "-催报清单.xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"reminders.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
