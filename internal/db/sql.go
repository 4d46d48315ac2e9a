package db

import (
	"strconv"
	"time"
)

// Arg appends v to args and returns its placeholder, "$1", "$2", …, for
// SQL built from optional filters.
func Arg(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

// Micros converts a stored instant, unix microseconds, to a UTC time; 0,
// which stands for "not set", gives the zero time.
func Micros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
