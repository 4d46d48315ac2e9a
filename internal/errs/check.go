package errs

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// KeyNotFound is the locale key of NoSuch errors.
const KeyNotFound = "error.not_found"

// Field returns an Invalid error naming field.
func Field(field, key, msg string) *Error {
	return &Error{Code: Invalid, Key: key, Field: field, Msg: msg}
}

// NoSuch returns the NotFound error that also answers for objects outside
// the actor's sight, so that probing reveals nothing: "no such unit" and
// "not yours" read the same.
func NoSuch(what string) *Error {
	return &Error{Code: NotFound, Key: KeyNotFound, Msg: what + " not found"}
}

// CheckText validates a text field of at most max characters, without
// leading or trailing spaces, and not empty when required. Its locale keys
// are key + "_required", "_too_long" (argument max) and "_spaces".
func CheckText(field, key, what, s string, max int, required bool) *Error {
	switch {
	case s == "" && !required:
		return nil
	case strings.TrimSpace(s) == "" && required:
		return Field(field, key+"_required", what+" is required")
	case utf8.RuneCountInString(s) > max:
		e := Field(field, key+"_too_long", fmt.Sprintf("%s is longer than %d characters", what, max))
		e.Args = map[string]any{"max": max}
		return e
	case s != strings.TrimSpace(s):
		return Field(field, key+"_spaces", what+" has leading or trailing spaces")
	}
	return nil
}
