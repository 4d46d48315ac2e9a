package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// findingPage is how many findings the list shows a page.
const findingPage = 50

// findingListData is the content of the findings page: the findings the
// actor reads, filtered and counted, a page at a time, with an Excel
// export; and for a supervisory body the forms that record findings one by
// one or from a workbook.
type findingListData struct {
	Filter findingFilter
	// The filters' choices, by name and label.
	Regions, Sources, Categories, Severities, Statuses, Transfers []option
	// Person names the cadre the list is filtered by, "" for none.
	Person string
	Rows   []findingRow
	// Total counts the findings the filter selects, Notified those
	// notified, BySeverity them per severity.
	Total, Notified int
	BySeverity      []severityCount
	From, To        int
	Prev, Next      string
	Export          string
	// Record is the form that records a finding, nil when the actor records
	// as no body; Upload says the Excel upload refused the file, with its
	// problems in UploadErrors.
	Record       *findingFormView
	UploadErrors []string
	Today        string
}

// findingFilter is the filter as asked in the query.
type findingFilter struct {
	Unit, Source, Category, Severity, Status, From, To, Person, Transfer string
}

type severityCount struct {
	Label string
	N     int
}

// findingRow is a finding of the list, by names and labels.
type findingRow struct {
	ID                                               int64
	Title, Day, Unit, Body, People                   string
	Source, Category, Severity, Status, SeverityCode string
	Notified                                         string
	Active                                           bool
	// Transfer is the status of the latest transfer, "" for none, to
	// TransferTo.
	Transfer, TransferCode, TransferTo string
}

// findingList shows the findings the actor may read, filtered by the
// query: ?unit= (a region: the findings about its subtree), source,
// category, severity, status, from, to (the days found), person, offset.
func (h *Handler) findingList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderFindings(w, r, a, http.StatusOK, nil, nil)
}

// findingQuery reads the list's filter from the query.
func findingQuery(q url.Values) (findingFilter, finding.Filter) {
	ff := findingFilter{Unit: q.Get("unit"), Source: q.Get("source"), Category: q.Get("category"), Severity: q.Get("severity"),
		Status: q.Get("status"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Person: q.Get("person"),
		Transfer: q.Get("transfer")}
	f := finding.Filter{Source: finding.Source(ff.Source), Category: finding.Category(ff.Category), Severity: finding.Severity(ff.Severity),
		Status: finding.Status(ff.Status), Transfer: finding.TransferStatus(ff.Transfer), From: ff.From, To: ff.To}
	f.Under, _ = strconv.ParseInt(ff.Unit, 10, 64)
	f.PersonID, _ = strconv.ParseInt(ff.Person, 10, 64)
	return ff, f
}

// values is the filter as a query, without the empty fields.
func (ff findingFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"unit": ff.Unit, "source": ff.Source, "category": ff.Category, "severity": ff.Severity,
		"status": ff.Status, "from": ff.From, "to": ff.To, "person": ff.Person,
		"transfer": ff.Transfer} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// renderFindings renders the findings page; form is the record form as
// refused (nil for a fresh one), uploadErrs the problems of a refused
// workbook.
func (h *Handler) renderFindings(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, form *findingFormView, uploadErrs []string) {
	q := r.URL.Query()
	ff, f := findingQuery(q)
	offset, _ := strconv.Atoi(q.Get("offset"))
	f.Offset, f.Limit = max(offset, 0), findingPage
	p := h.newPage(r, "findings")
	list, err := h.finding.List(r.Context(), a, f)
	if errs.Is(err, errs.Invalid) {
		p.Error = p.loc.Error(err)
		f = finding.Filter{Limit: findingPage}
		ff = findingFilter{}
		list, err = h.finding.List(r.Context(), a, f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ch, err := h.finding.Choices(r.Context(), a, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := findingListData{Filter: ff, Total: list.Total, Notified: list.Notified, From: f.Offset + 1, To: f.Offset + len(list.Findings),
		Sources: codeOptions(p.loc, "finding.source.", finding.Sources), Categories: codeOptions(p.loc, "finding.category.", finding.Categories),
		Severities: codeOptions(p.loc, "finding.severity.", finding.Severities), Statuses: codeOptions(p.loc, "finding.status.", finding.Statuses),
		UploadErrors: uploadErrs, Today: todayText(),
		Transfers: codeOptions(p.loc, "finding.transfer.status.", append(slices.Clone(finding.TransferStatuses), finding.TransferNone))}
	for _, u := range ch.Regions {
		data.Regions = append(data.Regions, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for _, s := range finding.Severities {
		data.BySeverity = append(data.BySeverity, severityCount{Label: p.loc.T("finding.severity." + string(s)), N: list.BySeverity[s]})
	}
	for _, fd := range list.Findings {
		data.Rows = append(data.Rows, h.findingRow(p, fd))
		if f.PersonID != 0 && data.Person == "" {
			for _, n := range fd.People {
				if n.ID == f.PersonID {
					data.Person = n.Name
				}
			}
		}
	}
	page := func(o int) string {
		v := ff.values()
		v.Set("offset", strconv.Itoa(o))
		return "/findings?" + v.Encode()
	}
	if f.Offset > 0 {
		data.Prev = page(max(f.Offset-findingPage, 0))
	}
	if f.Offset+len(list.Findings) < list.Total {
		data.Next = page(f.Offset + findingPage)
	}
	data.Export = "/findings/export.xlsx"
	if v := ff.values(); len(v) > 0 {
		data.Export += "?" + v.Encode()
	}
	if len(ch.Bodies) > 0 {
		if form == nil {
			form, err = h.findingFormView(r.Context(), p.loc, a, findingForm{Unit: q.Get("record"), FoundOn: todayText()})
			if err != nil {
				h.fail(w, r, err)
				return
			}
		}
		data.Record = form
	}
	p.Data = data
	h.render(w, r, status, "finding_list", p)
}

// findingRow shows a finding by its names and labels.
func (h *Handler) findingRow(p *page, fd *finding.Finding) findingRow {
	var people []string
	for _, n := range fd.People {
		people = append(people, n.Name)
	}
	row := findingRow{ID: fd.ID, Title: fd.Title, Day: dayText(p.loc, fd.FoundOn), Unit: fd.Unit, Body: fd.Body,
		People: strings.Join(people, p.loc.T("list.separator")), Source: p.loc.T("finding.source." + string(fd.Source)),
		Category: p.loc.T("finding.category." + string(fd.Category)), Severity: p.loc.T("finding.severity." + string(fd.Severity)),
		SeverityCode: string(fd.Severity), Status: p.loc.T("finding.status." + string(fd.Status)), Active: fd.Status == finding.Active}
	if fd.Notified() {
		row.Notified = dayText(p.loc, fd.NotifiedOn)
	}
	if fd.TransferStatus != "" {
		row.Transfer, row.TransferCode, row.TransferTo = p.loc.T("finding.transfer.status."+string(fd.TransferStatus)), string(fd.TransferStatus), fd.TransferTo
	}
	return row
}

// todayText is today in Beijing, 'YYYY-MM-DD'.
func todayText() string { return time.Now().In(beijing).Format(org.DateLayout) }
