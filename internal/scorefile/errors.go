package scorefile

import (
	"bytes"
	"strconv"
	"strings"

	"kaohe/internal/errs"
)

// Error is a problem with an input file, located by file name, line and
// (for JSON) column, and naming the field at fault. Every reader in this
// package returns its input errors as *Error, so that the command line can
// print one clear message and exit with the bad-input status.
type Error struct {
	File   string // base name of the file, e.g. "values.csv"
	Line   int    // 1-based line; 0 when the problem is not on one line
	Column int    // 1-based column, set for JSON syntax errors
	Field  string // the CSV column or JSON field at fault, if any
	Msg    string // what is wrong, lower-case, without location
	Err    error  // underlying error, if any
}

// Error formats the error as "file:line[:col]: msg (field f)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Field != "" {
		b.WriteString(" (field ")
		b.WriteString(e.Field)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// As lets errors.As see the error as an *errs.Error with code Invalid, so
// that errs.CodeOf classifies a bad input file as bad input wherever these
// readers are used.
func (e *Error) As(target any) bool {
	p, ok := target.(**errs.Error)
	if !ok {
		return false
	}
	*p = &errs.Error{Code: errs.Invalid, Field: e.Field, Row: e.Line, Msg: e.Msg, Err: e.Err,
		Args: map[string]any{"file": e.File, "line": e.Line, "column": e.Column}}
	return true
}

// lineCol converts a byte offset into data to a 1-based line and column.
// The column counts characters (runes), not bytes, so that it matches
// what an editor shows for Chinese text.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	prefix := data[:offset]
	line = 1 + bytes.Count(prefix, []byte{'\n'})
	start := bytes.LastIndexByte(prefix, '\n') + 1
	col = 1 + len([]rune(string(prefix[start:])))
	return line, col
}

// quote renders a field value for a message, shortening very long values.
func quote(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}

// Warning is something suspicious in an input file that does not stop
// the run, such as a values file without values. Load returns warnings
// for the caller to show.
type Warning struct {
	File string // the file, as named to Load
	Msg  string // what is suspicious, lower-case, without location
}

// String formats the warning as one line: "file: warning: msg".
func (w Warning) String() string { return w.File + ": warning: " + w.Msg }
