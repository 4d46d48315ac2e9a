package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"kaohe/internal/errs"
)

func TestCodeOf(t *testing.T) {
	var list errs.List
	list.Add(&errs.Error{Code: errs.Invalid, Row: 3, Field: "value", Msg: `"abc" is not a number`})
	tests := []struct {
		name string
		err  error
		want errs.Code
		text string
	}{
		{"nil", nil, "", ""},
		{"plain", errors.New("disk full"), errs.Internal, "disk full"},
		{"coded", errs.New(errs.NotFound, "unit.not_found", "no such unit"), errs.NotFound, "no such unit"},
		{"wrapped", fmt.Errorf("save: %w", errs.Errorf(errs.Conflict, "cycle %d is closed", 7)), errs.Conflict, "save: cycle 7 is closed"},
		{"list", list.Err(), errs.Invalid, `row 3: value: "abc" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errs.CodeOf(tt.err); got != tt.want {
				t.Errorf("got code %q, want %q", got, tt.want)
			}
			if tt.err != nil && tt.err.Error() != tt.text {
				t.Errorf("got text %q, want %q", tt.err.Error(), tt.text)
			}
		})
	}
	if (errs.List{}).Err() != nil {
		t.Error("got non-nil error from an empty list, want nil")
	}
}
