package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// findingShowData is the content of a finding's page: the finding by its
// names and labels, its evidence and history; for its body the forms that
// notify it, attach evidence and change it while it is active.
type findingShowData struct {
	Row  findingRow
	F    *finding.Detail
	Body string
	// UnitLink is the unit's page, "" when the actor may not open it.
	UnitLink    string
	Reference   string
	People      []namedPerson
	Files       []*finding.File
	History     []findingChange
	ShowHistory bool
	// Write shows the forms: the actor records as the finding's body and
	// the finding is active; Notify the notice form, until it is notified.
	Write, Notify bool
	Edit          *findingFormView
	Today         string
	// Errors are the problems of the form ErrorsOf names ("notify",
	// "evidence") that was refused.
	Errors   []string
	ErrorsOf string
	MaxFiles int
	// Transfers is the 线索移送 section (finding_transfers.html).
	Transfers *findingTransfersView
}

type namedPerson struct {
	Name, Unit string
	// Link is the person's page, "" when the actor may not open it.
	Link string
}

// findingChange is an entry of the history, by its labels.
type findingChange struct {
	At                    time.Time
	Actor, Action, Reason string
	// Fields names the fields an edit changed.
	Fields string
}

// findingRefusal is a refused form of the page: which, as filled in, with
// its problems.
type findingRefusal struct {
	of     string
	errors []string
	edit   *findingForm
}

// findingShow shows finding id (?unit= offers the cadres of another unit
// in the edit form).
func (h *Handler) findingShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderFinding(w, r, a, http.StatusOK, nil)
}

// renderFinding renders a finding's page, with a refused form when given.
func (h *Handler) renderFinding(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, refused *findingRefusal) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.finding.Get(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "findings")
	data := findingShowData{Row: h.findingRow(p, &d.Finding), F: d, Body: d.Body, Reference: d.Reference, Files: d.Files,
		ShowHistory: !d.Named, Write: d.Write && d.Open, Today: todayText(), MaxFiles: finding.MaxFiles}
	data.Notify = data.Write && !d.Notified()
	if d.UnitPage {
		data.UnitLink = "/units/" + strconv.FormatInt(d.UnitID, 10)
	}
	for _, n := range d.People {
		np := namedPerson{Name: n.Name, Unit: n.Unit}
		if d.Pages[n.ID] {
			np.Link = "/people/" + strconv.FormatInt(n.ID, 10)
		}
		data.People = append(data.People, np)
	}
	for _, c := range d.History {
		fc := findingChange{At: c.At, Actor: actorName(p, c.ActorID, c.ActorName, c.Actor), Action: p.loc.AuditAction(c.Action), Reason: c.Reason}
		var fields []string
		for _, k := range c.Fields {
			fields = append(fields, p.loc.T("finding.field."+k))
		}
		fc.Fields = strings.Join(fields, p.loc.T("list.separator"))
		data.History = append(data.History, fc)
	}
	if refused != nil {
		data.Errors, data.ErrorsOf = refused.errors, refused.of
	}
	data.Transfers = findingTransfers(p, d, refused)
	if data.Write {
		form := findingForm{Source: string(d.Source), Category: string(d.Category), Severity: string(d.Severity), FoundOn: d.FoundOn,
			Reference: d.Reference, Title: d.Title, Description: d.Description, Unit: strconv.FormatInt(d.UnitID, 10), People: map[int64]bool{}}
		for _, n := range d.People {
			form.People[n.ID] = true
		}
		if u := r.URL.Query().Get("unit"); u != "" {
			form.Unit = u
		}
		if refused != nil && refused.edit != nil {
			form = *refused.edit
		}
		if data.Edit, err = h.findingFormView(r.Context(), p.loc, a, form); err != nil {
			h.fail(w, r, err)
			return
		}
		data.Edit.Action = findingPath(id)
		if refused != nil && refused.of == "edit" {
			data.Edit.Errors = refused.errors
		}
	}
	p.Title = d.Title
	p.Data = data
	h.render(w, r, status, "finding_show", p)
}

// refuseFinding shows the finding's page again with a refused form: an
// input problem as the form's localized errors, anything else (not found,
// not allowed, a closed finding) as the error page.
func (h *Handler) refuseFinding(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error, refused *findingRefusal) {
	if !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	refused.errors = rowErrors(h.localizer(r), err)
	h.renderFinding(w, r, a, errs.HTTPStatus(err), refused)
}
