package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/feedback"
)

// feedbackListData is the list of feedback reports: a cycle's for the
// office, with the button that drafts them; the owner's own.
type feedbackListData struct {
	CycleID   int64
	CycleName string
	// Draft shows the button that drafts the cycle's reports.
	Draft bool
	Rows  []feedbackListRow
	Total int
}

type feedbackListRow struct {
	S      feedback.Summary
	Status string
	Total  string
	Link   string
}

// feedbackList lists the feedback reports the actor may read (?cycle=id
// for one cycle's).
func (h *Handler) feedbackList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	var f feedback.ReportFilter
	if c := r.URL.Query().Get("cycle"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			h.fail(w, r, notFound())
			return
		}
		f.CycleID = id
	}
	f.Limit = 500
	rows, total, err := h.feedback.Reports(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "feedback")
	d := &feedbackListData{CycleID: f.CycleID, Total: total}
	if f.CycleID != 0 {
		c, err := h.cycle.Cycle(r.Context(), a, f.CycleID)
		if err == nil {
			d.CycleName = c.Name
			d.Draft = c.PublishedSnapshotID != 0 && h.policy.Authorize(a, auth.ActFeedbackRelease, c.OwnerPath) == nil
		}
	}
	for _, s := range rows {
		d.Rows = append(d.Rows, feedbackListRow{S: s, Status: p.loc.T("feedback.status." + string(s.Status)), Total: fixed(s.Total, 2),
			Link: "/feedback/" + strconv.FormatInt(s.ID, 10)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "feedback_list", p)
}

// feedbackDraft drafts the reports of cycle id from its published
// snapshot.
func (h *Handler) feedbackDraft(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.feedback.Draft(r.Context(), a, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feedback?cycle="+strconv.FormatInt(id, 10)+"&flash=feedback_drafted", http.StatusSeeOther)
}
