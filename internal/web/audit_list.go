package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/locale"
)

// auditListData is the content of the audit log page.
type auditListData struct {
	Filter auditFilterForm
	// Actors, Actions and ObjectTypes are the choices of the filters.
	Actors, Actions, ObjectTypes []option
	Events                       []auditRow
	// Next is the URL of the next (older) page, "" on the last.
	Next string
}

type auditFilterForm struct{ Actor, Action, ObjectType, From, To string }

// auditPage is the number of entries per page.
const auditPage = 50

// auditList shows the audit log within the actor's scope, newest first,
// filtered by actor, action, object type and dates.
func (h *Handler) auditList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	form := auditFilterForm{
		Actor:      strings.TrimSpace(q.Get("actor")),
		Action:     strings.TrimSpace(q.Get("action")),
		ObjectType: strings.TrimSpace(q.Get("object_type")),
		From:       q.Get("from"),
		To:         q.Get("to"),
	}
	p := h.newPage(r, "audit")
	f := audit.Filter{Action: form.Action, ObjectType: form.ObjectType, Limit: auditPage}
	var err error
	if form.Actor != "" {
		if f.ActorID, err = strconv.ParseInt(form.Actor, 10, 64); err != nil {
			f.ActorID = -1 // no such user: nothing matches
		}
	}
	if f.From, err = parseDay(form.From, 0); err == nil {
		f.To, err = parseDay(form.To, 1)
	}
	if err != nil {
		p.Error = p.loc.Error(err)
	}
	f.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	entries, err := h.auth.AuditLog(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.auth.ListUsers(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := auditListData{Filter: form, Events: auditRows(p, entries)}
	for _, u := range users {
		data.Actors = append(data.Actors, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for _, code := range h.loc.Labelled(locale.AuditActionPrefix) {
		data.Actions = append(data.Actions, option{Value: code, Label: p.loc.AuditAction(code)})
	}
	for _, code := range h.loc.Labelled(locale.AuditObjectPrefix) {
		data.ObjectTypes = append(data.ObjectTypes, option{Value: code, Label: p.loc.AuditObject(code)})
	}
	if len(entries) == auditPage {
		next := url.Values{}
		for k, v := range map[string]string{"actor": form.Actor, "action": form.Action,
			"object_type": form.ObjectType, "from": form.From, "to": form.To} {
			if v != "" {
				next.Set(k, v)
			}
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		data.Next = "/audit?" + next.Encode()
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "audit_list", p)
}

// parseDay reads a yyyy-mm-dd date as midnight in the display time zone,
// plus addDays days; "" is no bound.
func parseDay(s string, addDays int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, beijing)
	if err != nil {
		e := errs.New(errs.Invalid, "audit.bad_date", "dates are yyyy-mm-dd")
		e.Field = "date"
		return time.Time{}, e
	}
	return t.AddDate(0, 0, addDays), nil
}
