package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
)

// rankingExport downloads a group's whole ranking (with the page's
// filters) as a workbook, written with excelize's StreamWriter.
func (h *Handler) rankingExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	rk, err := h.cycle.Ranking(r.Context(), a, id, cycle.RankFilter{Group: q.Get("group"), Grade: q.Get("grade"), Query: strings.TrimSpace(q.Get("q"))})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localizer(r)
	names, err := h.groupNames(r.Context(), a, loc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	header := []string{loc.T("ranking.rank"), loc.T("ranking.name"), loc.T("ranking.group"), loc.T("ranking.total"),
		loc.T("ranking.base"), loc.T("ranking.bonus"), loc.T("ranking.deduction"), loc.T("ranking.p05"), loc.T("ranking.p50"),
		loc.T("ranking.p95"), loc.T("ranking.grade"), loc.T("ranking.engine_grade"), loc.T("ranking.flags")}
	rows := make([][]any, 0, len(rk.Rows))
	for _, res := range rk.Rows {
		flags := make([]string, len(res.Flags))
		for i, f := range res.Flags {
			flags[i] = flagLabel(h.loc, loc, f)
		}
		rows = append(rows, []any{res.Rank, res.Entity.Name, names.Of(res.Entity.Group), res.Total, res.Base, res.Bonus, res.Deduction,
			res.RankP05, res.RankP50, res.RankP95, res.Grade, res.EngineGrade, strings.Join(flags, "；")})
	}
	h.sendSheet(w, r, loc.T("ranking.sheet"), header, rows, rk.Cycle.Name+"-"+names.Of(rk.Group)+"-排名.xlsx")
}

// sendSheet streams one sheet of rows with a bold header as an .xlsx
// download.
func (h *Handler) sendSheet(w http.ResponseWriter, r *http.Request, sheet string, header []string, rows [][]any, filename string) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	head := make([]any, len(header))
	for i, c := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", head); err != nil {
		h.fail(w, r, err)
		return
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"export.xlsx\"; filename*=UTF-8''"+url.PathEscape(filename))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
