package outcome_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"kaohe/internal/errs"
	"kaohe/internal/locale"
)

// problems lists err's errors as "key@row:field", marking a key without
// a message in both languages.
func problems(err error) string {
	if err == nil {
		return ""
	}
	var l errs.List
	if !errors.As(err, &l) {
		var e *errs.Error
		if !errors.As(err, &e) {
			return "not coded: " + fmt.Sprint(err)
		}
		l = errs.List{e}
	}
	var out []string
	for _, e := range l {
		s := fmt.Sprintf("%s@%d:%s", e.Key, e.Row, e.Field)
		if !localized(e.Key) {
			s += "(no message)"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// localized reports whether both locale files have a message for key.
func localized(key string) bool {
	for _, lang := range locale.Languages {
		if !slices.Contains(messages.Keys(lang), key) {
			return false
		}
	}
	return true
}

var messages = func() *locale.Bundle {
	b, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return b
}()
