package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
	"kaohe/internal/track"
)

// ledgerListData is the work ledger (工作台账): the entries of the actor's
// scope, the 潜绩 due for a revisit, and for who may write the form that
// adds an entry and the workbook import.
type ledgerListData struct {
	Rows                 []ledgerRow
	Latent               bool
	Unit                 string
	Units, Kinds, People []option
	Write                bool
	Export               string
	Errors               []string
	Today                string
}

// ledgerRow is an entry by its labels.
type ledgerRow struct {
	ID                                                                                                 int64
	Day, Unit, Person, Kind, Title, Detail, Investment, Milestone, Revisit, Commitment, CommitmentLink string
	Latent                                                                                             bool
	Files                                                                                              []ledgerFile
}

// ledgerFile is an evidence file of an entry with its link.
type ledgerFile struct {
	Name, Link string
	Size       int64
}

// ledgerRowOf says a ledger entry in words.
func ledgerRowOf(p *page, e *track.Entry) ledgerRow {
	row := ledgerRow{ID: e.ID, Day: e.Day, Unit: e.Unit, Person: e.Person, Kind: p.loc.T("track.entry." + string(e.Kind)), Title: e.Title,
		Detail: e.Detail, Milestone: e.Milestone, Revisit: e.RevisitOn, Commitment: e.Commitment, Latent: e.Latent}
	if e.Investment != nil {
		row.Investment = fixedTrim(*e.Investment)
	}
	if e.CommitmentID != 0 {
		row.CommitmentLink = commitmentPath(e.CommitmentID)
	}
	for _, f := range e.Files {
		row.Files = append(row.Files, ledgerFile{Name: f.Name, Size: f.Size,
			Link: "/ledger/" + strconv.FormatInt(e.ID, 10) + "/evidence/" + strconv.FormatInt(f.ID, 10)})
	}
	return row
}

// ledgerList shows the ledger (?unit=, ?latent=1 the 潜绩 to revisit).
func (h *Handler) ledgerList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderLedger(w, r, a, http.StatusOK, nil)
}

func (h *Handler) renderLedger(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, errors []string) {
	q := r.URL.Query()
	p := h.newPage(r, "ledger")
	data := ledgerListData{Latent: q.Get("latent") == "1", Unit: q.Get("unit"), Errors: errors, Today: todayText()}
	f := track.LedgerFilter{Latent: data.Latent}
	f.UnitID, _ = strconv.ParseInt(data.Unit, 10, 64)
	es, err := h.track.Ledger(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, e := range es {
		data.Rows = append(data.Rows, ledgerRowOf(p, e))
	}
	owners, err := h.track.Owners(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Who may file a team's commitments keeps its ledger (the same reach).
	for _, o := range owners {
		if o.Kind == track.OwnerUnit {
			data.Units = append(data.Units, option{db.FormatID(o.UnitID), o.Unit})
		}
		if o.Kind == track.OwnerPerson {
			data.People = append(data.People, option{db.FormatID(o.PersonID), o.Person})
		}
	}
	data.Write = len(data.Units) > 0
	for _, k := range track.EntryKinds {
		data.Kinds = append(data.Kinds, option{string(k), p.loc.T("track.entry." + string(k))})
	}
	data.Export = "/ledger.xlsx"
	if data.Unit != "" {
		data.Export += "?unit=" + data.Unit
	}
	p.Title = p.loc.T("track.ledger")
	p.Data = data
	h.render(w, r, status, "ledger_list", p)
}

// ledgerSave adds an entry from the form, or the entries of an uploaded
// workbook (field file) for the chosen unit.
func (h *Handler) ledgerSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	r.Body = http.MaxBytesReader(w, r.Body, track.MaxWorkbook+1<<20)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	unit, _ := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	if file, _, ferr := r.FormFile("file"); ferr == nil {
		data, rerr := io.ReadAll(io.LimitReader(file, track.MaxWorkbook+1))
		file.Close()
		if rerr != nil {
			h.fail(w, r, errBadForm())
			return
		}
		people, perr := h.unitPeople(r, a, unit)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		_, err = h.track.ImportLedger(r.Context(), a, unit, bytes.Clone(data), people)
	} else {
		d := track.EntryDraft{UnitID: unit, Day: r.PostFormValue("day"), Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
			Detail: r.PostFormValue("detail"), Investment: r.PostFormValue("investment"), Milestone: r.PostFormValue("milestone"),
			Latent: r.PostFormValue("latent") == "1", RevisitOn: r.PostFormValue("revisit_on")}
		d.PersonID, _ = strconv.ParseInt(r.PostFormValue("person"), 10, 64)
		d.CommitmentID, _ = strconv.ParseInt(r.PostFormValue("commitment"), 10, 64)
		_, err = h.track.AddEntries(r.Context(), a, []track.EntryDraft{d})
	}
	if err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderLedger(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/ledger?flash=ledger_saved", http.StatusSeeOther)
}

// unitPeople maps the names of the cadres placed in unit to their ids, for
// a workbook's cadre column.
func (h *Handler) unitPeople(r *http.Request, a *auth.Actor, unit int64) (map[string]int64, error) {
	ps, _, err := h.org.FindPeople(r.Context(), a, org.PersonFilter{Under: unit, Serving: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, p := range ps {
		out[p.Name] = p.ID
	}
	return out, nil
}

// ledgerExport sends the ledger of the actor's scope (?unit=) as a
// workbook.
func (h *Handler) ledgerExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	var f track.LedgerFilter
	f.UnitID, _ = strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	var buf bytes.Buffer
	if err := h.track.WriteLedger(r.Context(), a, f, &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	writeAttachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "工作台账.xlsx", buf.Bytes())
}
