package finding

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// The sheets of the findings workbook.
const (
	// SheetFindings holds one finding a row, from row 2.
	SheetFindings = "问题录入"
	// SheetInstructions explains how to fill it in.
	SheetInstructions = "填报说明"
	// SheetUnits lists the units of the body's jurisdiction and their codes.
	SheetUnits = "单位代码"
)

// Limits of an upload.
const (
	// MaxWorkbook is the largest workbook an upload may be.
	MaxWorkbook = 16 << 20
	// MaxRows is the most findings one workbook records.
	MaxRows = 1000
)

// column is a column of the findings sheet: its header and the draft
// field its errors name ("" for the unit name, which only checks the code).
type column struct{ header, field string }

// columns are the columns of the findings sheet, in order.
var columns = []column{
	{"单位代码", "unit_id"}, {"单位名称", "unit_name"}, {"问题来源", "source"}, {"问题类别", "category"}, {"严重程度", "severity"},
	{"发现日期", "found_on"}, {"文号", "reference"}, {"问题标题", "title"}, {"问题描述", "description"}, {"涉及干部", "people"},
}

// Column indexes of the findings sheet.
const (
	colUnit = iota
	colUnitName
	colSource
	colCategory
	colSeverity
	colFoundOn
	colReference
	colTitle
	colDescription
	colPeople
)

// peopleSeparators split the names of the cadres a row names.
const peopleSeparators = "、，,；;"

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col+1, row)
	return c
}

// labelsOf returns the labels of codes in their order.
func labelsOf[T ~string](codes []T, labels map[T]string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = labels[c]
	}
	return out
}

// WriteTemplate writes the workbook a body fills in to record findings:
// the sheet 问题录入 with its header and a drop-down list of the labels in
// each coded column, the instructions, and the units of the jurisdiction
// with their codes. The actor needs ActFindingWrite on the body (0: its
// one body).
func (s *Service) WriteTemplate(ctx context.Context, a *auth.Actor, bodyID int64, w io.Writer) error {
	if err := signedIn(a); err != nil {
		return err
	}
	var b *Body
	var units []*org.Unit
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		if b, err = s.writableBody(ctx, tx, a, bodyID); err != nil {
			return err
		}
		units, err = org.ListUnits(ctx, tx, org.UnitQuery{Under: b.Scope})
		return err
	})
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetFindings); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": what is typed stays text, dates too
	if err != nil {
		return err
	}
	for c, col := range columns {
		if err := f.SetCellStr(SheetFindings, cellName(c, 1), col.header); err != nil {
			return err
		}
	}
	last := cellName(len(columns)-1, 1)
	if err := f.SetCellStyle(SheetFindings, "A1", last, head); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetFindings, "A2", cellName(len(columns)-1, MaxRows+1), text); err != nil {
		return err
	}
	for _, l := range []struct {
		col    int
		labels []string
	}{
		{colSource, labelsOf(Sources, sourceLabels)}, {colCategory, labelsOf(Categories, categoryLabels)},
		{colSeverity, labelsOf(Severities, severityLabels)},
	} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cellName(l.col, 2) + ":" + cellName(l.col, MaxRows+1)
		if err := dv.SetDropList(l.labels); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "请从列表中选择", "可选："+strings.Join(l.labels, "、"))
		if err := f.AddDataValidation(SheetFindings, dv); err != nil {
			return err
		}
	}
	widths := []float64{14, 22, 12, 14, 10, 12, 22, 30, 50, 24}
	for c, wd := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(SheetFindings, col, col, wd); err != nil {
			return err
		}
	}
	if err := f.SetPanes(SheetFindings, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := writeInstructions(f, b); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetUnits); err != nil {
		return err
	}
	rows := [][]any{{"单位代码", "单位名称"}}
	for _, u := range units {
		rows = append(rows, []any{u.Code, u.Name})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(SheetUnits, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(SheetUnits, "A", "A", 16); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetUnits, "B", "B", 30); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// writeInstructions fills the sheet 填报说明.
func writeInstructions(f *excelize.File, b *Body) error {
	if _, err := f.NewSheet(SheetInstructions); err != nil {
		return err
	}
	lines := [][]any{
		{"问题线索录入说明"},
		{"记录机关", b.Name},
		{""},
		{"1. 请在“" + SheetFindings + "”工作表第 2 行起填写，每行一条问题，不要修改第 1 行表头，不要合并单元格，不要使用公式。"},
		{"2. 单位代码必填，须为本机关监督范围内的单位，见“" + SheetUnits + "”工作表；单位名称可不填，填写时须与代码对应的单位一致，用于核对。"},
		{"3. 问题来源、问题类别、严重程度请从下拉列表中选择。"},
		{"4. 发现日期按“年-月-日”填写，如 2025-07-15，不得晚于今天。文号可不填，如巡察反馈意见编号、审计报告文号。"},
		{"5. 问题标题必填（不超过 100 字），问题描述必填（不超过 5000 字）。"},
		{"6. 涉及干部填写干部姓名，多人以顿号“、”分隔；干部须在该单位（含下级单位）任职或曾经任职。同一单位有同名干部时，请在系统中逐条录入。"},
		{"7. 上传时整表校验：任何一行有误则全部不写入，系统列出每个有误的行和列，改正后重新上传即可。佐证材料请在问题详情页上传。"},
		{""},
		{"问题来源", strings.Join(labelsOf(Sources, sourceLabels), "、")},
		{"问题类别", strings.Join(labelsOf(Categories, categoryLabels), "、")},
		{"严重程度", strings.Join(labelsOf(Severities, severityLabels), "、")},
	}
	for i, l := range lines {
		if err := f.SetSheetRow(SheetInstructions, "A"+strconv.Itoa(i+1), &l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(SheetInstructions, "A", "A", 14); err != nil {
		return err
	}
	return f.SetColWidth(SheetInstructions, "B", "B", 60)
}

// sheetRow is a row of the findings sheet as read: its number and cells.
type sheetRow struct {
	num   int
	cells []string
}

func (r sheetRow) cell(c int) string {
	if c < len(r.cells) {
		return strings.TrimSpace(r.cells[c])
	}
	return ""
}

// importError is an Invalid error at a cell of the findings sheet; a row
// of 0 is the whole file.
func importError(key string, col, row int, msg string, args map[string]any) *errs.Error {
	e := errs.New(errs.Invalid, key, msg)
	e.Args = map[string]any{}
	if row > 0 {
		e.Row, e.Field = row, columns[col].field
		e.Args["cell"], e.Args["column"] = cellName(col, row), columns[col].header
	}
	for k, v := range args {
		e.Args[k] = v
	}
	return e
}

// readSheet reads the rows of the findings sheet after checking the file:
// an xlsx with the sheet and its header, no merged cells nor formulas, at
// most MaxRows findings. Blank rows are skipped.
func readSheet(data []byte) ([]sheetRow, error) {
	fileError := func(key, msg string, args map[string]any) error { return importError(key, 0, 0, msg, args) }
	if len(data) > MaxWorkbook {
		return nil, fileError("finding.import.too_large", fmt.Sprintf("the workbook is larger than %d MiB", MaxWorkbook>>20),
			map[string]any{"max": MaxWorkbook >> 20})
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, fileError("finding.import.not_xlsx", "the file is not an Excel workbook (.xlsx)", nil)
	}
	defer f.Close()
	if idx, err := f.GetSheetIndex(SheetFindings); err != nil || idx < 0 {
		return nil, fileError("finding.import.no_sheet", "the workbook has no sheet "+SheetFindings, map[string]any{"sheet": SheetFindings})
	}
	rows, err := f.GetRows(SheetFindings, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileError("finding.import.not_xlsx", "the sheet cannot be read: "+err.Error(), nil)
	}
	var header []string
	if len(rows) > 0 {
		header = rows[0]
	}
	for c, col := range columns {
		if c >= len(header) || strings.TrimSpace(header[c]) != col.header {
			return nil, fileError("finding.import.header", fmt.Sprintf("row 1 of %s must be the template's header", SheetFindings),
				map[string]any{"sheet": SheetFindings})
		}
	}
	var l errs.List
	merged, err := f.GetMergeCells(SheetFindings, true)
	if err != nil {
		return nil, fileError("finding.import.not_xlsx", "the sheet cannot be read: "+err.Error(), nil)
	}
	for _, m := range merged {
		col, row, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		l.Add(importError("finding.import.merged", min(col-1, len(columns)-1), row, "merged cells are not allowed",
			map[string]any{"range": m.GetStartAxis() + ":" + m.GetEndAxis()}))
	}
	var out []sheetRow
	for i, cells := range rows[1:] {
		num := i + 2
		for c := range min(len(cells), len(columns)) {
			if fm, _ := f.GetCellFormula(SheetFindings, cellName(c, num)); fm != "" {
				l.Add(importError("finding.import.formula", c, num, "formulas are not allowed; enter the value", nil))
			}
		}
		r := sheetRow{num: num, cells: cells}
		if slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			out = append(out, r)
		}
	}
	if len(out) > MaxRows {
		return nil, fileError("finding.import.too_many_rows", fmt.Sprintf("a workbook records at most %d findings", MaxRows),
			map[string]any{"max": MaxRows})
	}
	if len(l) > 0 {
		return nil, l
	}
	if len(out) == 0 {
		return nil, fileError("finding.import.empty", "the sheet holds no findings", map[string]any{"sheet": SheetFindings})
	}
	return out, nil
}

// Import records the findings of a workbook laid out as WriteTemplate
// writes it, as body bodyID (0: the actor's one body), all or nothing: one
// bad row writes nothing, and every bad cell is reported with its row,
// column and a message (errs.List). name is the file's name, kept as the
// reason of each finding's audit event. It returns the findings recorded,
// in the sheet's order.
func (s *Service) Import(ctx context.Context, a *auth.Actor, bodyID int64, name string, data []byte) ([]*Finding, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	rows, err := readSheet(data)
	if err != nil {
		return nil, err
	}
	var out []*Finding
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.writableBody(ctx, tx, a, bodyID)
		if err != nil {
			return err
		}
		drafts, err := readDrafts(ctx, tx, b, rows, s.db.Clock())
		if err != nil {
			return err
		}
		reason := "Excel 导入：" + strings.TrimSpace(name)
		for _, d := range drafts {
			f, err := s.create(ctx, tx, a, d, nil, reason)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readDrafts turns the rows into drafts of body b, or returns every
// problem of every row.
func readDrafts(ctx context.Context, tx *db.Tx, b *Body, rows []sheetRow, now time.Time) ([]Draft, error) {
	var codes []string
	for _, r := range rows {
		if c := r.cell(colUnit); c != "" {
			codes = append(codes, c)
		}
	}
	units, err := org.UnitsByCode(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	cadres := map[int64]map[string][]*org.Person{} // unit → name → people
	var l errs.List
	var out []Draft
	for _, r := range rows {
		var bad errs.List
		d := Draft{BodyID: b.ID, FoundOn: day(r.cell(colFoundOn)), Reference: r.cell(colReference), Title: r.cell(colTitle),
			Description: r.cell(colDescription)}
		var ok bool
		for _, c := range []struct {
			col  int
			set  func(string) bool
			list []string
		}{
			{colSource, func(v string) bool { d.Source, ok = unlabel(sourceLabels, v); return ok }, labelsOf(Sources, sourceLabels)},
			{colCategory, func(v string) bool { d.Category, ok = unlabel(categoryLabels, v); return ok }, labelsOf(Categories, categoryLabels)},
			{colSeverity, func(v string) bool { d.Severity, ok = unlabel(severityLabels, v); return ok }, labelsOf(Severities, severityLabels)},
		} {
			if v := r.cell(c.col); v != "" && !c.set(v) {
				bad.Add(importError("finding.import.label_invalid", c.col, r.num, fmt.Sprintf("%q is not one of %s", v, strings.Join(c.list, "、")),
					map[string]any{"value": v, "choices": strings.Join(c.list, "、")}))
			}
		}
		code := r.cell(colUnit)
		u := units[code]
		switch {
		case code == "":
		case u == nil || !b.Covers(u.Path):
			bad.Add(importError("finding.import.unit_unknown", colUnit, r.num, "no unit "+code+" in the body's jurisdiction",
				map[string]any{"code": code}))
			u = nil
		case r.cell(colUnitName) != "" && r.cell(colUnitName) != u.Name:
			bad.Add(importError("finding.import.unit_name", colUnitName, r.num, "the unit name does not match the code",
				map[string]any{"name": r.cell(colUnitName), "unit": u.Name}))
		}
		if u != nil {
			d.UnitID = u.ID
			names := strings.FieldsFunc(r.cell(colPeople), func(c rune) bool { return strings.ContainsRune(peopleSeparators, c) })
			if len(names) > 0 && cadres[u.ID] == nil {
				ps, err := org.PeopleServedUnder(ctx, tx, u.Path, maxPeopleChoices*10)
				if err != nil {
					return nil, err
				}
				cadres[u.ID] = map[string][]*org.Person{}
				for _, p := range ps {
					cadres[u.ID][p.Name] = append(cadres[u.ID][p.Name], p)
				}
			}
			for _, n := range names {
				n = strings.TrimSpace(n)
				switch ps := cadres[u.ID][n]; len(ps) {
				case 0:
					bad.Add(importError("finding.import.person_unknown", colPeople, r.num, n+" has not served in the unit",
						map[string]any{"name": n, "unit": u.Name}))
				case 1:
					d.PersonIDs = append(d.PersonIDs, ps[0].ID)
				default:
					bad.Add(importError("finding.import.person_ambiguous", colPeople, r.num, fmt.Sprintf("%d cadres of the unit are called %s", len(ps), n),
						map[string]any{"name": n, "n": len(ps)}))
				}
			}
		}
		d.normalise()
		for _, e := range d.problems(now) {
			if slices.ContainsFunc(bad, func(x *errs.Error) bool { return x.Field == e.Field }) {
				continue // the cell's own error says it
			}
			bad.Add(atCell(e, r.num))
		}
		l = append(l, bad...)
		out = append(out, d)
	}
	if len(l) > 0 {
		slices.SortStableFunc(l, func(x, y *errs.Error) int { return x.Row - y.Row })
		return nil, l
	}
	return out, nil
}

// atCell places a draft's field error at its cell in row.
func atCell(e *errs.Error, row int) *errs.Error {
	c := slices.IndexFunc(columns, func(c column) bool { return c.field == e.Field })
	if c < 0 {
		c = colUnit
	}
	out := *e
	out.Row = row
	out.Args = map[string]any{"cell": cellName(c, row), "column": columns[c].header}
	for k, v := range e.Args {
		out.Args[k] = v
	}
	return &out
}

// unlabel maps a label, or the code itself, to its code.
func unlabel[T ~string](labels map[T]string, v string) (T, bool) {
	for code, l := range labels {
		if v == l || v == string(code) {
			return code, true
		}
	}
	return T(v), false
}

// day reads a date cell: 'YYYY-MM-DD' as typed, 2025/7/15 or 2025年7月15日,
// or an Excel serial day number where the cell holds a date.
func day(v string) string {
	if v == "" {
		return ""
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 20000 && n < 80000 && !strings.Contains(v, "-") {
		t, err := excelize.ExcelDateToTime(n, false)
		if err == nil {
			return t.Format(time.DateOnly)
		}
	}
	for _, layout := range []string{"2006/1/2", "2006年1月2日", "2006-1-2", "2006.1.2"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return v
}
