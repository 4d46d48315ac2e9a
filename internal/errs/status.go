package errs

import (
	"net/http"
	"strings"
)

// HTTPStatus is the one place where an error code becomes an HTTP status:
// the web pages and the API both answer with it.
func HTTPStatus(err error) int {
	switch CodeOf(err) {
	case "":
		return http.StatusOK
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unauthorized:
		return http.StatusUnauthorized
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// ForRoute is err as the request r answers it. A GET of a route that
// names an object ("/people/{id}", "/cycles/{id}/ranking") that answers
// Forbidden answers NotFound instead: refusing to show an object would
// tell that it exists, so an object the actor may not read, on any of its
// pages, reads like one that is not there
// (docs/decisions/0161-refused-objects-are-not-found.md).
func ForRoute(err error, r *http.Request) error {
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	if read && Is(err, Forbidden) && strings.Contains(r.Pattern, "{") {
		return NoSuch("object")
	}
	return err
}
