package locale

import (
	"errors"
	"net/http"

	"kaohe/internal/errs"
)

// Status is the one place where an error code becomes an HTTP status.
func Status(err error) int {
	switch errs.CodeOf(err) {
	case "":
		return http.StatusOK
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	default:
		return http.StatusInternalServerError
	}
}

// Code returns the error's code, errs.Internal for uncoded errors.
func Code(err error) errs.Code { return errs.CodeOf(err) }

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
