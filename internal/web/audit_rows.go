package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"kaohe/internal/auth"
)

// auditRow is an audit entry as the audit table shows it: the actor, the
// action and the object by their names, the object linked to its page.
type auditRow struct {
	Seq                   int64
	At                    time.Time
	Actor, Action, Object string
	// Name and Link are the object's name and page, "" when unknown.
	Name, Link string
	Reason     string
}

// auditRows makes the rows of the audit table.
func auditRows(p *page, entries []auth.LogEntry) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{Seq: e.Seq, At: e.At, Actor: actorName(p, e.ActorID, e.ActorName, e.Actor), Action: p.loc.AuditAction(e.Action),
			Object: p.loc.AuditObject(e.ObjectType), Name: e.Object.Name, Link: auditLink(e.Object), Reason: e.Reason}
	}
	return rows
}

// actorName shows who made a change: the user's name, 系统 for the system
// (id 0), or the login recorded when the user is no longer there.
func actorName(p *page, id int64, name, login string) string {
	switch {
	case name != "":
		return name
	case id == 0:
		return p.loc.T("audit.system")
	}
	return login
}

// auditPages are the pages of audit objects by kind; the object's page
// key fills the %s.
var auditPages = map[string]string{
	"unit":           "/units/%s",
	"person":         "/people/%s",
	"scheme":         "/schemes/%s",
	"scheme_version": "/schemes/%s/versions/%s",
	"evaluation":     "/evaluations/%s",
	"item":           "/items/%s",
	"evidence":       "/collect/evidence/%s",
	"cycle":          "/cycles/%s",
	"result":         "/cycles/%s/results/%s",
	"field":          "/cycles/%s/field/%s",
	"finding":        "/findings/%s",

	// The use of results (package outcome).
	"outcome_proposal": "/outcome/proposals/%s",
	"handover":         "/handovers/%s",
}

// auditLink is the URL of the page that shows o, "" when none does.
func auditLink(o auth.AuditObject) string {
	pattern, ok := auditPages[o.Page]
	if !ok || strings.Count(pattern, "%s") != len(o.PageKey) {
		return ""
	}
	key := make([]any, len(o.PageKey))
	for i, k := range o.PageKey {
		key[i] = url.PathEscape(k)
	}
	return fmt.Sprintf(pattern, key...)
}
