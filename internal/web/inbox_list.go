package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/feedback"
)

// inboxData is a user's inbox.
type inboxData struct {
	Unread int
	Rows   []inboxRow
}

type inboxRow struct {
	N    *feedback.Notification
	Text string
	At   string
}

// inboxList shows the actor's latest notifications.
func (h *Handler) inboxList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ns, unread, err := h.feedback.Inbox(r.Context(), a, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "inbox")
	d := &inboxData{Unread: unread}
	for _, n := range ns {
		d.Rows = append(d.Rows, inboxRow{N: n, Text: notificationText(p.loc, n.Kind, n.Args), At: p.loc.DateTime(n.CreatedAt)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "inbox_list", p)
}

// inboxOpen marks notification id read and goes to its page.
func (h *Handler) inboxOpen(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	link, err := h.feedback.MarkRead(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
}
