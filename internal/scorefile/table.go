package scorefile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// table is a small CSV file read whole with encoding/csv: a checked header
// and records that remember their line numbers. The large values file has
// its own fast reader (values.go); entities, ratings and findings are read
// through table.
type table struct {
	file    string
	columns []string // header, as found
	rows    []row
}

// row is one record of a table with the line it starts on.
type row struct {
	line   int
	fields []string
}

// readTable parses UTF-8 CSV data whose header must be one of the given
// alternatives (each a list of column names, matched exactly after trimming
// spaces). It returns the index of the header matched.
func readTable(file string, data []byte, headers ...[]string) (*table, int, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	t := &table{file: file}
	head, err := r.Read()
	if err == io.EOF {
		return nil, 0, &Error{File: file, Line: 1, Msg: fmt.Sprintf("file is empty, want header %q", strings.Join(headers[0], ","))}
	}
	if err != nil {
		return nil, 0, csvError(file, err)
	}
	for i := range head {
		head[i] = strings.TrimSpace(head[i])
	}
	which := -1
	for i, h := range headers {
		if equalStrings(head, h) {
			which = i
			break
		}
	}
	if which < 0 {
		want := make([]string, len(headers))
		for i, h := range headers {
			want[i] = fmt.Sprintf("%q", strings.Join(h, ","))
		}
		return nil, 0, &Error{File: file, Line: 1, Msg: fmt.Sprintf("header is %q, want %s", strings.Join(head, ","), strings.Join(want, " or "))}
	}
	t.columns = head
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of spaces only
		}
		if len(rec) != len(head) {
			return nil, 0, &Error{File: file, Line: line, Msg: fmt.Sprintf("has %d fields, want %d (%s)", len(rec), len(head), strings.Join(head, ","))}
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		t.rows = append(t.rows, row{line: line, fields: rec})
	}
	return t, which, nil
}

// csvError converts an encoding/csv parse error into an *Error.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		return &Error{File: file, Line: line, Msg: pe.Err.Error(), Err: err}
	}
	return &Error{File: file, Msg: err.Error(), Err: err}
}

// fieldError reports a bad value in column col of r.
func (t *table) fieldError(r row, col int, format string, args ...any) error {
	return &Error{File: t.file, Line: r.line, Field: t.columns[col], Msg: fmt.Sprintf(format, args...)}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
