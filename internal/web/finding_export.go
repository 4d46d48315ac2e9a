package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/finding"
)

// findingExport downloads every finding the list's filter selects, as far
// as the actor reads them, as a workbook.
func (h *Handler) findingExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	_, f := findingQuery(r.URL.Query())
	f.Limit = finding.MaxLimit
	list, err := h.finding.List(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "findings")
	header := []string{p.loc.T("finding.found_on"), p.loc.T("finding.title_label"), p.loc.T("finding.unit"), p.loc.T("finding.people"),
		p.loc.T("finding.source"), p.loc.T("finding.category"), p.loc.T("finding.severity"), p.loc.T("finding.status"),
		p.loc.T("finding.notified_on"), p.loc.T("finding.reference"), p.loc.T("finding.body"), p.loc.T("finding.description")}
	rows := make([][]any, 0, len(list.Findings))
	for _, fd := range list.Findings {
		row := h.findingRow(p, fd)
		rows = append(rows, []any{fd.FoundOn, fd.Title, fd.Unit, row.People, row.Source, row.Category, row.Severity, row.Status,
			fd.NotifiedOn, fd.Reference, fd.Body, fd.Description})
	}
	h.sendSheet(w, r, p.loc.T("finding.sheet"), header, rows, p.loc.T("finding.export_name")+".xlsx")
}
