package review

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/collect"
	"kaohe/internal/errs"
)

// MaxUpload is the largest file an import takes.
const MaxUpload = 64 << 20

// readTable reads the rows of a CSV file (UTF-8, or GBK as Chinese Excel
// writes it) or of the first sheet of an .xlsx workbook, the header first.
func readTable(data []byte) ([][]string, error) {
	if len(data) > MaxUpload {
		return nil, errs.New(errs.Invalid, "review.import.too_large", "the file is larger than 64 MiB")
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, errs.New(errs.Invalid, "review.import.unreadable", "the file is not a workbook or CSV file that can be read")
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			return nil, errs.New(errs.Invalid, "review.import.unreadable", "the file is not a workbook or CSV file that can be read")
		}
		return rows, nil
	}
	text, _, err := collect.Decode(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		e := errs.New(errs.Invalid, "review.import.csv_invalid", fmt.Sprintf("the CSV file cannot be read: %v", err))
		if pe, ok := err.(*csv.ParseError); ok {
			e.Row = pe.Line
		}
		return nil, e
	}
	return rows, nil
}

// header maps the header row's columns, by any of their names, to
// positions; a required column missing is an error on row 1.
func header(row []string, names map[string]string, required []string) (map[string]int, error) {
	pos := map[string]int{}
	for i, h := range row {
		if c, ok := names[strings.ToLower(strings.TrimSpace(h))]; ok {
			if _, dup := pos[c]; !dup {
				pos[c] = i
			}
		}
	}
	for _, c := range required {
		if _, ok := pos[c]; !ok {
			e := errs.Field(c, "review.import.column_missing", "the header has no column "+c)
			e.Row, e.Args = 1, map[string]any{"column": c}
			return nil, e
		}
	}
	return pos, nil
}

// cellOf returns row's cell of column c, trimmed; "" when absent.
func cellOf(row []string, pos map[string]int, c string) string {
	i, ok := pos[c]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// blank reports whether every cell of row is empty.
func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
