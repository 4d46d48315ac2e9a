package collect

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/errs"
)

// The template's sheets and the labels of its first column.
const (
	// SheetValues is the sheet that holds the values.
	SheetValues = "数据填报"
	// SheetInstructions explains how to fill in the template.
	SheetInstructions = "填报说明"
	labelPeriod       = "填报期间"
	labelEntity       = "对象代码"
	labelItemCodes    = "数据项代码"
	labelReason       = "更正原因"
)

// MaxWorkbook is the largest workbook an upload may be.
const MaxWorkbook = 64 << 20

// ErrUploadTooLarge is the refusal of an uploaded file larger than
// MaxWorkbook, naming the limit.
func ErrUploadTooLarge() error {
	return xlsxError("collect.upload.too_large", fmt.Sprintf("an uploaded file may have at most %d MiB", MaxWorkbook>>20),
		map[string]any{"max": MaxWorkbook >> 20})
}

func xlsxError(key, msg string, args map[string]any) *errs.Error {
	e := errs.New(errs.Invalid, key, msg)
	e.Args = args
	return e
}

// ParseWorkbook reads values from an .xlsx workbook: the template's sheet
// 数据填报 (a period in B1, item codes in row 3, one entity per row from
// row 4, a correction reason in the last column), or a sheet laid out as
// the CSV (a header row: entity code, item code, period, value …) named
// 数据填报 or standing first. It refuses what it cannot read exactly: a
// file that is not an xlsx, a workbook without such a sheet; merged cells
// and formulas on the sheet go to the batch's Refused, for Submit to
// report with the other bad cells. Every refusal names the cell.
func ParseWorkbook(data []byte) (*Batch, error) {
	if len(data) > MaxWorkbook {
		return nil, xlsxError("collect.xlsx.too_large", fmt.Sprintf("the workbook is larger than %d MiB", MaxWorkbook>>20),
			map[string]any{"max": MaxWorkbook >> 20})
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, xlsxError("collect.xlsx.legacy", "the file is an old .xls workbook or is encrypted; save it as .xlsx without a password", nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, xlsxError("collect.xlsx.malformed", "the file is not an Excel workbook (.xlsx)", nil)
	}
	wb, wbSST, err := readWorkbook(zr)
	if err != nil {
		return nil, err
	}
	sheet, part := "", ""
	for _, s := range wb {
		if s.name == SheetValues || strings.EqualFold(s.name, "values") {
			sheet, part = s.name, s.part
			break
		}
	}
	names := make([]string, len(wb))
	for i, s := range wb {
		names[i] = s.name
	}
	long := false
	if sheet == "" {
		// A foreign workbook may hold a value table on its first sheet.
		sheet, part, long = wb[0].name, wb[0].part, true
	}
	raw, err := readPart(zr, part)
	if e, ok := asLimit(err); ok {
		return nil, e
	}
	if err != nil {
		return nil, xlsxError("collect.xlsx.malformed", "the workbook is damaged: "+err.Error(), nil)
	}
	refused := checkSheetXML(raw)
	var sst []string
	if wbSST != "" {
		raw, err := readPart(zr, wbSST)
		if e, ok := asLimit(err); ok {
			return nil, e
		}
		if err != nil {
			return nil, xlsxError("collect.xlsx.malformed", "the workbook is damaged: "+err.Error(), nil)
		}
		sst = sharedStrings(raw)
	}
	b := &Batch{Source: SourceExcel, Refused: refused}
	var bad collector
	r := sheetReader{sc: sheetScanner{b: raw, sst: sst}}
	first, ok := r.next()
	if !ok && r.err != nil {
		return nil, xlsxError("collect.xlsx.malformed", "the sheet cannot be read: "+r.err.Error(), nil)
	}
	if !ok {
		return nil, sheetError(sheet, names)
	}
	if !long && len(first) > 0 && strings.TrimSpace(first[0]) == labelPeriod {
		if err := readWide(&r, first, b, &bad); err != nil {
			return nil, err
		}
	} else if pos, cerr := columns(first); cerr == nil {
		readLong(&r, pos, len(first), b)
	} else if long {
		return nil, sheetError(sheet, names)
	} else {
		return nil, xlsxError("collect.xlsx.not_template",
			fmt.Sprintf("sheet %s is neither the template (A1 %s) nor a value table with a header row", SheetValues, labelPeriod), nil)
	}
	if r.err != nil {
		return nil, xlsxError("collect.xlsx.malformed", "the sheet cannot be read: "+r.err.Error(), nil)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return b, nil
}

func sheetError(sheet string, names []string) *errs.Error {
	return xlsxError("collect.xlsx.no_sheet",
		fmt.Sprintf("no sheet %s with values; the workbook has sheets %s", SheetValues, strings.Join(names, ", ")),
		map[string]any{"sheet": SheetValues, "sheets": strings.Join(names, "、")})
}

// sheetReader reads rows with their 1-based numbers, an empty row for
// each row the sheet skips.
type sheetReader struct {
	sc      sheetScanner
	n       int
	pending int
	cells   []string
	err     error
}

func (r *sheetReader) next() ([]string, bool) {
	if r.pending == 0 {
		num, cells, ok := r.sc.next()
		if !ok {
			r.err = r.sc.err
			return nil, false
		}
		r.pending, r.cells = num, cells
	}
	r.n++
	if r.n < r.pending {
		return nil, true
	}
	r.pending = 0
	return r.cells, true
}

func cell(cols []string, i int) string {
	if i < len(cols) {
		return cols[i]
	}
	return ""
}

// readWide reads the template: B1 the period, row 3 the item codes (from
// column C), rows from 4 one entity each; the reason column is headed 更正原因.
func readWide(r *sheetReader, first []string, b *Batch, bad *collector) error {
	period := strings.TrimSpace(cell(first, 1))
	if _, ok := r.next(); !ok { // row 2: labels
		return xlsxError("collect.xlsx.not_template", "the template has no item rows", nil)
	}
	codes, ok := r.next()
	if !ok || strings.TrimSpace(cell(codes, 0)) != labelItemCodes {
		return xlsxError("collect.xlsx.not_template", fmt.Sprintf("row 3 of the template must start with %s", labelItemCodes), nil)
	}
	reasonCol := -1
	type col struct {
		i    int
		code string
		ref  string
	}
	var items []col
	for i := 2; i < len(codes); i++ {
		c := strings.TrimSpace(codes[i])
		switch {
		case c == labelReason:
			reasonCol = i
		case c != "":
			name, _ := excelize.ColumnNumberToName(i + 1)
			items = append(items, col{i, c, name})
		}
	}
	if len(items) == 0 {
		return xlsxError("collect.xlsx.not_template", "row 3 of the template names no data items", nil)
	}
	b.Period = period
	rowNum := make([]byte, 0, 8)
	for {
		cols, ok := r.next()
		if !ok {
			return nil
		}
		ent := strings.TrimSpace(cell(cols, 0))
		if ent == "" {
			continue
		}
		reason := ""
		if reasonCol >= 0 {
			reason = cell(cols, reasonCol)
		}
		rowNum = strconv.AppendInt(rowNum[:0], int64(r.n), 10)
		for _, c := range items {
			v := cell(cols, c.i)
			if v == "—" {
				v = "" // not applicable
			}
			b.Rows = append(b.Rows, Row{Line: r.n, Cell: c.ref + string(rowNum), Entity: ent, Item: c.code, Period: period,
				Value: v, Reason: reason})
		}
	}
}

// readLong reads a value table with a header row.
func readLong(r *sheetReader, pos map[string]int, width int, b *Batch) {
	get := func(cols []string, name string) string {
		if i, ok := pos[name]; ok {
			return cell(cols, i)
		}
		return ""
	}
	for {
		cols, ok := r.next()
		if !ok {
			return
		}
		if len(cols) == 0 {
			continue
		}
		b.Rows = append(b.Rows, Row{Line: r.n, Entity: strings.TrimSpace(get(cols, "entity")), Item: strings.TrimSpace(get(cols, "item")),
			Period: strings.TrimSpace(get(cols, "period")), Value: get(cols, "value"), Unit: strings.TrimSpace(get(cols, "unit")),
			Reason: get(cols, "reason")})
	}
}

// wbSheet is a sheet of a workbook and the zip part that holds it.
type wbSheet struct{ name, part string }

// readWorkbook lists the sheets of an xlsx from xl/workbook.xml and its
// relationships, and finds the part of its shared strings ("" for none).
func readWorkbook(zr *zip.Reader) ([]wbSheet, string, error) {
	foreign := xlsxError("collect.xlsx.malformed", "the file is a zip archive but not an Excel workbook (.xlsx)", nil)
	wbXML, err := readPart(zr, "xl/workbook.xml")
	if e, ok := asLimit(err); ok {
		return nil, "", e
	}
	if err != nil {
		return nil, "", foreign
	}
	relsXML, err := readPart(zr, "xl/_rels/workbook.xml.rels")
	if e, ok := asLimit(err); ok {
		return nil, "", e
	}
	if err != nil {
		return nil, "", foreign
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(wbXML, &wb) != nil || xml.Unmarshal(relsXML, &rels) != nil || len(wb.Sheets) == 0 {
		return nil, "", foreign
	}
	sst := ""
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sst = t
		}
	}
	out := make([]wbSheet, 0, len(wb.Sheets))
	for _, s := range wb.Sheets {
		out = append(out, wbSheet{name: s.Name, part: target[s.RID]})
	}
	return out, sst, nil
}

// Limits of one part of a workbook once inflated: MaxPart bytes, and
// MaxPartRatio times its compressed size, so that a small upload cannot
// make the server inflate hundreds of MiB (a zip bomb). Real sheets
// compress 5 to 30 times.
const (
	MaxPart      = 256 << 20
	MaxPartRatio = 200
)

func errInflates(name string) *errs.Error {
	return xlsxError("collect.xlsx.inflates",
		fmt.Sprintf("part %s of the workbook inflates to more than %d MiB or %d times its size", name, MaxPart>>20, MaxPartRatio),
		map[string]any{"part": name, "max": MaxPart >> 20, "ratio": MaxPartRatio})
}

// readPart reads a part of the zip within MaxPart and MaxPartRatio: the
// sizes the archive declares are checked first, and the bytes actually
// inflated are counted too, since a forged archive may declare anything.
// A part over a limit answers collect.xlsx.inflates.
func readPart(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		limit := min(int64(MaxPart), int64(f.CompressedSize64)*MaxPartRatio+64<<10)
		if f.UncompressedSize64 > uint64(limit) {
			return nil, errInflates(name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		var buf bytes.Buffer
		buf.Grow(int(f.UncompressedSize64))
		if _, err := io.Copy(&buf, io.LimitReader(rc, limit+1)); err != nil {
			return nil, err
		}
		if int64(buf.Len()) > limit {
			return nil, errInflates(name)
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("no part %s", name)
}

// asLimit returns err when it is a limit's refusal, to pass it on as it is.
func asLimit(err error) (*errs.Error, bool) {
	var e *errs.Error
	if errors.As(err, &e) && e.Key == "collect.xlsx.inflates" {
		return e, true
	}
	return nil, false
}

// checkSheetXML scans a sheet's XML for merged cells and formulas, which a
// value sheet must not have: a merged cell hides which entity or item a
// value is for, and a formula's cached result may be stale or missing.
func checkSheetXML(raw []byte) errs.List {
	var bad collector
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte("<mergeCell "))
		if j < 0 {
			break
		}
		i += j + 1
		ref := attr(raw[i:], "ref")
		e := xlsxError("collect.xlsx.merged", fmt.Sprintf("cells %s are merged; unmerge them and give each cell its own value", ref),
			map[string]any{"cells": ref})
		e.Field = ref
		bad.add(&Row{}, e)
	}
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte("<f"))
		if j < 0 {
			break
		}
		i += j + 2
		if i < len(raw) && raw[i] != '>' && raw[i] != ' ' && raw[i] != '/' {
			continue // another element, e.g. <filterColumn>
		}
		// The cell is the last <c r="…"> before the formula.
		k := bytes.LastIndex(raw[:i], []byte("<c "))
		ref := ""
		if k >= 0 {
			ref = attr(raw[k:], "r")
		}
		e := xlsxError("collect.xlsx.formula", fmt.Sprintf("cell %s holds a formula; paste its value instead", ref),
			map[string]any{"cell": ref})
		e.Field = ref
		row := 0
		for _, c := range ref {
			if c >= '0' && c <= '9' {
				row = row*10 + int(c-'0')
			}
		}
		bad.add(&Row{Line: row}, e)
	}
	return bad.list
}

// attr returns the value of attribute name in the element starting at the
// head of b.
func attr(b []byte, name string) string {
	end := bytes.IndexByte(b, '>')
	if end < 0 {
		end = len(b)
	}
	el := b[:end]
	k := bytes.Index(el, []byte(" "+name+`="`))
	if k < 0 {
		return ""
	}
	v := el[k+len(name)+3:]
	if q := bytes.IndexByte(v, '"'); q >= 0 {
		return string(v[:q])
	}
	return ""
}
