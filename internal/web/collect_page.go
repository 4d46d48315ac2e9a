package web

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/locale"
)

// collectData is the content of the collection page: a provider's
// departments, the grid of the chosen one for a period, and the outcome of
// the last save or upload.
type collectData struct {
	Owners []*collect.Owner
	Owner  *collect.Owner
	Period string
	Grid   *collect.Grid
	Rows   []collectRow
	// Filled and Total count the grid's values and applicable cells.
	Filled, Total int
	Report        *collect.Report
	Flags         []string
	Errors        []string
	// Body is the grid's table body, built by gridBody.
	Body template.HTML
	// Evidence lists the files attached to the grid's values.
	Evidence []*collect.EvidenceEntry
}

// collectRow is an entity's row of the grid form.
type collectRow struct {
	Code, Name string
	ID         int64
	Reason     string
	Cells      []collectCell
}

// collectCell is an input of the grid: its name, the value shown, and
// the stored value's state.
type collectCell struct {
	Name, Value string
	Applies     bool
	Flagged     bool
	Status      string
	Version     int
	Type        string
}

// collectPage shows the collection grid of one of the actor's departments
// (?owner=) for a period (?period=, last year by default).
func (h *Handler) collectPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	p, data, err := h.collectLoad(r, a, r.URL.Query().Get("owner"), r.URL.Query().Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.collectRender(w, r, http.StatusOK, p, data, nil)
}

// collectLoad reads the departments of a and the grid of owner for period.
func (h *Handler) collectLoad(r *http.Request, a *auth.Actor, owner, period string) (*page, *collectData, error) {
	p := h.newPage(r, "collect")
	owners, err := h.collect.Owners(r.Context(), a)
	if err != nil {
		return nil, nil, err
	}
	data := &collectData{Owners: owners, Period: strings.TrimSpace(period)}
	if data.Period == "" {
		data.Period = strconv.Itoa(time.Now().In(beijing).Year() - 1)
	}
	var id int64
	if owner != "" {
		if id, err = strconv.ParseInt(owner, 10, 64); err != nil {
			return nil, nil, notFound()
		}
	} else if len(owners) > 0 {
		id = owners[0].ID
	}
	if id != 0 {
		g, err := h.collect.Grid(r.Context(), a, id, data.Period)
		if err != nil {
			return nil, nil, err
		}
		data.Grid, data.Owner = g, g.Owner
		data.Filled, data.Total = g.Filled()
		data.Rows = gridRows(g)
		if data.Evidence, err = h.collect.EvidenceOf(r.Context(), a, id, data.Period); err != nil {
			return nil, nil, err
		}
	}
	return p, data, nil
}

// gridRows lays the grid out for the form.
func gridRows(g *collect.Grid) []collectRow {
	rows := make([]collectRow, len(g.Entities))
	for e, ent := range g.Entities {
		id := strconv.FormatInt(ent.ID, 10)
		row := collectRow{Code: ent.Code, Name: ent.Name, ID: ent.ID, Cells: make([]collectCell, len(g.Items))}
		for i, it := range g.Items {
			c := g.Cells[e][i]
			cell := collectCell{Name: "v." + id + "." + it.Code, Applies: c.Applies, Flagged: c.Flagged,
				Status: string(c.Status), Version: c.Version, Type: string(it.Type)}
			if c.Has {
				cell.Value = formatValue(c.Value)
			}
			row.Cells[i] = cell
		}
		rows[e] = row
	}
	return rows
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// collectRender writes the collection page with the errors of err, one
// line per bad row and field.
func (h *Handler) collectRender(w http.ResponseWriter, r *http.Request, status int, p *page, data *collectData, err error) {
	if err != nil {
		data.Errors = rowErrors(p.loc, err)
	}
	if data.Report != nil {
		for _, f := range data.Report.Flags {
			where := f.Cell
			if where == "" {
				where = strconv.Itoa(f.Line)
			}
			data.Flags = append(data.Flags, p.loc.T("collect.flag_line", "Where", where, "Entity", f.Entity, "Item", f.Item,
				"Period", f.Period, "Value", formatValue(f.Value), "Prev", formatValue(f.Prev)))
		}
	}
	data.Body = gridBody(p.loc, data.Rows)
	p.Data = data
	h.render(w, r, status, "collect", p)
}

// gridBody writes the rows of the grid form. A grid of 500 entities and 20
// items has 10,000 inputs; html/template escapes each attribute through
// reflection, which took 65 ms, so the rows are written here, every
// interpolated text escaped with html.EscapeString, in 5 ms.
func gridBody(loc *locale.Localizer, rows []collectRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * (200 + 120*len(rowsCells(rows))))
	flagged := html.EscapeString(loc.T("collect.flagged"))
	returned := html.EscapeString(loc.T("collect.returned"))
	for _, row := range rows {
		b.WriteString(`<tr><td class="code">`)
		b.WriteString(html.EscapeString(row.Code))
		b.WriteString(`</td><td>`)
		b.WriteString(html.EscapeString(row.Name))
		b.WriteString(`</td>`)
		for _, c := range row.Cells {
			if c.Flagged {
				b.WriteString(`<td class="flagged" title="` + flagged + `">`)
			} else {
				b.WriteString(`<td>`)
			}
			if !c.Applies {
				b.WriteString(`—</td>`)
				continue
			}
			b.WriteString(`<input type="text" inputmode="decimal" name="`)
			b.WriteString(html.EscapeString(c.Name))
			b.WriteString(`" value="`)
			b.WriteString(html.EscapeString(c.Value))
			b.WriteString(`" size="8">`)
			if c.Version > 1 {
				b.WriteString(`<sup>v` + strconv.Itoa(c.Version) + `</sup>`)
			}
			if c.Status == string(collect.StatusReturned) {
				b.WriteString(` <span class="tag warn">` + returned + `</span>`)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td><input type="text" name="r.`)
		b.WriteString(strconv.FormatInt(row.ID, 10))
		b.WriteString(`" value="`)
		b.WriteString(html.EscapeString(row.Reason))
		b.WriteString(`" maxlength="500" size="12"></td></tr>`)
		b.WriteByte('\n')
	}
	return template.HTML(b.String())
}

func rowsCells(rows []collectRow) []collectCell {
	if len(rows) == 0 {
		return nil
	}
	return rows[0].Cells
}

// rowErrors localizes each error of a rejected submission: its row, the
// cell of a template, and the message.
func rowErrors(loc *locale.Localizer, err error) []string {
	var list errs.List
	if !errors.As(err, &list) {
		var e *errs.Error
		if !errors.As(err, &e) {
			return []string{loc.Error(err)}
		}
		list = errs.List{e}
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		cell, _ := e.Args["cell"].(string)
		if cell == "" {
			out = append(out, loc.Error(e))
			continue
		}
		// "第 4 行 C4 单元格：…": the row and the cell together.
		bare := *e
		bare.Row = 0
		out = append(out, loc.T("collect.cell_prefix", "Row", loc.Num(int64(e.Row)), "Cell", cell, "Message", loc.Error(&bare)))
	}
	return out
}

// errBadForm is the error of a form or upload that cannot be parsed.
func errBadForm() error { return errs.New(errs.Invalid, "error.invalid", "the form cannot be read") }
