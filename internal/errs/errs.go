// Package errs defines the coded errors every Kaohe service returns. A code
// maps to an HTTP status in one place (HTTPStatus) and to an
// exit status in one place (cmd/kaohe); a Key names the locale message so
// that the interface shows the error in the user's language.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error.
type Code string

// The error codes.
const (
	Invalid      Code = "invalid"      // bad input: fix the named field
	NotFound     Code = "not_found"    // no such object, or not in the actor's scope
	Conflict     Code = "conflict"     // the object's state does not allow this
	Forbidden    Code = "forbidden"    // the actor may see the object but not do this
	Unauthorized Code = "unauthorized" // no valid sign-in
	Internal     Code = "internal"     // a fault of ours
	// MethodNotAllowed: the path exists, but not for this HTTP method.
	MethodNotAllowed Code = "method_not_allowed"
)

// Error is a coded error. Msg is the English text used in logs and the
// command line; Key and Args let the interface localise it; Field and Row
// locate bad input.
type Error struct {
	Code Code
	Key  string
	Args map[string]any
	// Field names the offending field, e.g. "weight" or "value".
	Field string
	// Row is the 1-based row or line of an import, 0 when not applicable.
	Row int
	Msg string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Row > 0 {
		fmt.Fprintf(&b, "row %d: ", e.Row)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code, a locale key and an English message.
func New(code Code, key, msg string) *Error {
	return &Error{Code: code, Key: key, Msg: msg}
}

// Errorf returns an error with a code and a formatted English message; the
// interface shows it under the generic message of its code.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for
// any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// List gathers the errors of one input (e.g. every bad row of an import)
// so that all are reported at once; nothing is written while it is non-empty.
type List []*Error

// Add appends an error.
func (l *List) Add(e *Error) { *l = append(*l, e) }

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// As lets errors.As find the first error of the list.
func (l List) As(target any) bool {
	if len(l) == 0 {
		return false
	}
	if p, ok := target.(**Error); ok {
		*p = l[0]
		return true
	}
	return false
}
