package locale

import (
	"errors"

	"kaohe/internal/errs"
)

// Error returns the localized message of err: its Key filled with its
// Args, or the generic message of its code when the key is unknown.
// Internal errors always show the generic message, never their text.
func (l *Localizer) Error(err error) string {
	if err == nil {
		return ""
	}
	code := errs.CodeOf(err)
	var e *errs.Error
	if code != errs.Internal && errors.As(err, &e) && e.Key != "" && l.b.Has(e.Key) {
		msg := l.TMap(e.Key, e.Args)
		if e.Field != "" && l.b.Has("field."+e.Field) {
			msg = l.T("error.field", "Field", l.T("field."+e.Field), "Message", msg)
		}
		if e.Row > 0 {
			msg = l.T("error.row", "Row", l.Num(int64(e.Row)), "Message", msg)
		}
		return msg
	}
	return l.T("error." + string(code))
}
