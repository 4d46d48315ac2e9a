package score

import "fmt"

// Error is a validation error in a scheme or an input. Path locates the
// offending element in the JSON document (e.g. "indicators[3].weight" or
// "grading.quotas[0].share"), so that a caller can map it to a line;
// Indicator is the indicator code when there is one.
type Error struct {
	// Path is a JSON-style path, e.g. "indicators[3]".
	Path string
	// Indicator is the code of the indicator concerned, if any.
	Indicator string
	// Field is the field name, e.g. "weight".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error formats the error as `indicator "GDP": weight: must not be
// negative`, or `grading.quotas[0]: share: must be in (0, 1]` when no
// indicator is concerned.
func (e *Error) Error() string {
	where := e.Path
	if e.Indicator != "" {
		where = fmt.Sprintf("indicator %q", e.Indicator)
	}
	switch {
	case where != "" && e.Field != "":
		return where + ": " + e.Field + ": " + e.Msg
	case where != "":
		return where + ": " + e.Msg
	case e.Field != "":
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}
