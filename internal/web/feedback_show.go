package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
	"kaohe/internal/locale"
)

// feedbackData is a feedback report as its page and its printed
// document show it.
type feedbackData struct {
	R     *feedback.Report
	Total string
	// Interval is the rank interval, "" when it is the rank itself.
	Interval     string
	Radar        template.HTML
	Axes         []feedbackAxis
	Achievements []string
	Problems     []string
	// Recs are the recommendations, or the rule-generated drafts while a
	// draft has none (Drafted).
	Recs    []string
	RecText string
	Drafted bool
	// Issuer is the office that signs the report (the cycle's owner).
	Issuer, IssuedOn string
	// What the actor may do here.
	MayDraft, MayRelease, IsOwner, MayAppeal bool
	AppealUntil                              string
	Tasks, Carried                           []taskRow
	Appeals                                  []appealRow
	Kinds                                    []choice
	Indicators                               []choice
	// Group names the comparison group.
	Group string
	// ReleasedBy and ReceivedBy name the users.
	ReleasedBy, ReceivedBy string
	// PDF says whether the report prints to PDF here.
	PDF   bool
	Today string
}

type feedbackAxis struct{ Name, Score, Median string }

type taskRow struct {
	T        *feedback.Task
	Status   string
	Overdue  bool
	OnTime   bool
	Updates  []updateRow
	MayMark  bool
	MayCheck bool
}

type updateRow struct {
	U    feedback.Update
	File string
	At   string
	By   string
}

type appealRow struct {
	A *feedback.Appeal
	// By and AnsweredBy name the appellant and who answered.
	By, AnsweredBy string
	Kind           string
	Subject        string
	Status         string
	File           string
	At             string
	// Versions links the cycle's versions after a correction.
	Versions string
}

// feedbackShow shows feedback report id: the document, its tasks and
// appeals, and the forms the actor may use.
func (h *Handler) feedbackShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showReport(w, r, a, id, http.StatusOK, "")
}

// showReport renders report id with status and, when a form was refused,
// its message.
func (h *Handler) showReport(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, status int, msg string) {
	rep, err := h.feedback.Report(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "feedback")
	p.Title = rep.Name + " · " + p.loc.T("feedback.title")
	p.Error = msg
	p.Data = h.feedbackView(r.Context(), p.loc, a, rep)
	h.render(w, r, status, "feedback_show", p)
}

// refuseReport shows report id again with the localized reason err was
// refused for, or fails when the report is not readable.
func (h *Handler) refuseReport(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, err error) {
	status := errs.HTTPStatus(err)
	if status >= 500 || status == http.StatusNotFound || status == http.StatusUnauthorized {
		h.fail(w, r, err)
		return
	}
	h.showReport(w, r, a, id, status, h.localizer(r).Error(err))
}

func (h *Handler) feedbackView(ctx context.Context, loc *locale.Localizer, a *auth.Actor, rep *feedback.Report) *feedbackData {
	c := &rep.Content
	d := &feedbackData{R: rep, Total: fixed(c.Total, 2), Radar: radarSVG(loc, c.Radar), Issuer: loc.T("feedback.issuer", "owner", c.Owner),
		MayDraft: h.feedback.MayDraft(a, rep), MayRelease: h.feedback.MayRelease(a, rep), IsOwner: h.feedback.IsOwner(a, rep),
		Today: rep.Today, PDF: h.printer.Available()}
	who := func(login string) string {
		if n := rep.Names[login]; n != "" {
			return n
		}
		return login
	}
	d.ReleasedBy, d.ReceivedBy = who(rep.ReleasedBy), who(rep.ReceivedBy)
	if names, err := h.groupNames(ctx, a, loc); err == nil {
		d.Group = names.Of(c.Group)
	}
	if c.RankP05 != c.RankP95 && c.RankP05 > 0 {
		d.Interval = loc.T("feedback.interval", "from", c.RankP05, "to", c.RankP95)
	}
	if !rep.ReleasedAt.IsZero() {
		d.IssuedOn = loc.Date(rep.ReleasedAt)
	}
	for _, ax := range c.Radar {
		d.Axes = append(d.Axes, feedbackAxis{Name: ax.Name, Score: num(ax.Score, 1), Median: num(ax.Median, 1)})
	}
	for _, p := range c.Achievements {
		d.Achievements = append(d.Achievements, pointText(loc, p))
	}
	for _, p := range c.Problems {
		d.Problems = append(d.Problems, pointText(loc, p))
	}
	d.Recs = rep.Recommendations
	if len(d.Recs) == 0 && d.MayDraft {
		d.Recs, d.Drafted = suggestions(loc, c), true
	}
	d.RecText = strings.Join(d.Recs, "\n")
	if !rep.AppealUntil.IsZero() {
		d.AppealUntil = loc.DateTime(rep.AppealUntil)
		d.MayAppeal = d.IsOwner && rep.AppealOpen
	}
	rows := func(ts []*feedback.Task) []taskRow {
		var out []taskRow
		for _, t := range ts {
			row := taskRow{T: t, Status: loc.T("feedback.task_status." + string(t.Status)), Overdue: t.Overdue(d.Today), OnTime: t.OnTime(),
				MayMark: (d.IsOwner || d.MayRelease) && t.Status != feedback.TaskDone, MayCheck: d.MayRelease && t.Status == feedback.TaskSubmitted}
			for _, u := range t.Updates {
				ur := updateRow{U: u, At: loc.DateTime(u.CreatedAt), By: who(u.Actor)}
				if u.FileName != "" {
					ur.File = "/tasks/" + db.FormatID(t.ID) + "/files/" + db.FormatID(u.ID)
				}
				row.Updates = append(row.Updates, ur)
			}
			out = append(out, row)
		}
		return out
	}
	d.Tasks, d.Carried = rows(rep.Tasks), rows(rep.Carried)
	for _, x := range rep.Appeals {
		ar := appealRow{A: x, By: who(x.Appellant), AnsweredBy: who(x.AnsweredBy), Kind: loc.T("feedback.appeal_kind." + string(x.Kind)), Subject: x.Subject,
			Status: loc.T("feedback.appeal_status." + string(x.Status)), At: loc.DateTime(x.CreatedAt)}
		for _, ind := range c.Indicators {
			if ind.Code == x.Subject {
				ar.Subject = ind.Name
			}
		}
		if x.FileName != "" {
			ar.File = "/appeals/" + db.FormatID(x.ID) + "/file"
		}
		if x.RevisionID != 0 {
			ar.Versions = "/cycles/" + db.FormatID(rep.CycleID) + "/versions"
		}
		d.Appeals = append(d.Appeals, ar)
	}
	for _, k := range feedback.AppealKinds {
		d.Kinds = append(d.Kinds, choice{string(k), loc.T("feedback.appeal_kind." + string(k))})
	}
	for _, ind := range c.Indicators {
		label := ind.Name
		if v := num(ind.Value, 2); v != "—" {
			label += "（" + v + ind.Unit + "）"
		}
		d.Indicators = append(d.Indicators, choice{ind.Code, label})
	}
	return d
}
