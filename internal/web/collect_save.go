package web

import (
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectSave submits the changed cells of the grid: a cell whose value
// differs from the stored one, with the row's reason for a correction.
// Nothing is written when a cell is bad; the grid comes back with the
// values as typed and a line per bad cell.
func (h *Handler) collectSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	p, data, err := h.collectLoad(r, a, r.PostForm.Get("owner"), r.PostForm.Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Grid == nil {
		h.fail(w, r, notFound())
		return
	}
	b := collect.Batch{Source: collect.SourceForm, Period: data.Period}
	for e := range data.Rows {
		row := &data.Rows[e]
		row.Reason = r.PostForm.Get("r." + db.FormatID(row.ID))
		for i := range row.Cells {
			c := &row.Cells[i]
			// A cell left out or blanked is not sent: a value is never
			// deleted, only corrected.
			v := strings.TrimSpace(r.PostForm.Get(c.Name))
			if v == "" || v == c.Value || !c.Applies {
				continue
			}
			c.Value = v
			b.Rows = append(b.Rows, collect.Row{Line: e + 1, Cell: row.Name + "·" + data.Grid.Items[i].Name,
				Entity: row.Code, Item: data.Grid.Items[i].Code, Period: data.Period, Value: v, Reason: row.Reason})
		}
	}
	if len(b.Rows) == 0 {
		http.Redirect(w, r, collectURL(data)+"&flash=values_unchanged", http.StatusSeeOther)
		return
	}
	rep, err := h.collect.Submit(r.Context(), a, b)
	if err != nil {
		h.collectRender(w, r, errs.HTTPStatus(err), p, data, err)
		return
	}
	p, data, err = h.collectLoad(r, a, r.PostForm.Get("owner"), r.PostForm.Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Report = rep
	p.Flash = p.loc.T("flash.values_saved")
	h.collectRender(w, r, http.StatusOK, p, data, nil)
}

// collectURL is the collection page of data's department and period.
func collectURL(data *collectData) string {
	return "/collect?owner=" + db.FormatID(data.Owner.ID) + "&period=" + data.Period
}
