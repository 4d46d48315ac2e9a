package web

import (
	"path"
	"strings"
)

// secretPrefixes start the paths that carry a secret: a ballot code
// (/b/{code}) or a public survey's token (/s/{token}).
var secretPrefixes = []string{"/b/", "/s/"}

// LogPath is a request path as it may be logged: the secret of a ballot
// or survey path is left out ("/b/…"), so that no log holds a code that
// casts a ballot, nor when each was used. The path is compared cleaned and
// in lower case, so that "//b/CODE" or "/B/CODE" are redacted too though
// they reach no ballot.
func LogPath(p string) string {
	c := strings.ToLower(path.Clean("/" + p))
	for _, s := range secretPrefixes {
		if strings.HasPrefix(c+"/", s) && len(c) >= len(s) {
			return s + "…"
		}
	}
	return p
}
