package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// shareRecorder holds a sharing route's answer so that it can be answered
// conditionally (ETag, Last-Modified) and its reads logged.
type shareRecorder struct {
	header  http.Header
	status  int
	body    bytes.Buffer
	records int
}

func (s *shareRecorder) Header() http.Header         { return s.header }
func (s *shareRecorder) Write(b []byte) (int, error) { return s.body.Write(b) }
func (s *shareRecorder) WriteHeader(status int)      { s.status = status }

// answered tells the recorder how many records the answer holds and
// when its content last changed (zero when unknown).
func answered(w http.ResponseWriter, records int, modified time.Time) {
	if rec, ok := w.(*shareRecorder); ok {
		rec.records = records
		if !modified.IsZero() {
			rec.header.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		}
	}
}

// shared serves a sharing route: any actor may call it, a sharing token's
// actor too (and only these routes); a 200 answer carries an ETag over its
// body and answers 304 to a matching If-None-Match, or to an
// If-Modified-Since not older than its Last-Modified; every request of a
// sharing token is logged with its status and records.
func (h *Handler) shared(fn endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		rec := &shareRecorder{header: http.Header{}, status: http.StatusOK}
		fn(rec, r, a)
		if rec.status == http.StatusOK {
			sum := sha256.Sum256(rec.body.Bytes())
			etag := `"` + hex.EncodeToString(sum[:16]) + `"`
			rec.header.Set("ETag", etag)
			rec.header.Set("Cache-Control", "private, no-cache")
			if notModified(r, etag, rec.header.Get("Last-Modified")) {
				rec.status, rec.records = http.StatusNotModified, 0
				rec.body.Reset()
			}
		}
		if err := h.auth.LogShareRead(r.Context(), a, r.Method, r.URL.RequestURI(), rec.status, rec.records); err != nil {
			h.ServeError(w, r, err)
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		if rec.status == http.StatusNotModified {
			w.Header().Del("Content-Type")
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}
}

// notModified reports whether the client's copy is current: If-None-Match
// decides when present, else If-Modified-Since against lastModified.
func notModified(r *http.Request, etag, lastModified string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return inm == etag || inm == "*" || inm == "W/"+etag
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil || lastModified == "" {
		return false
	}
	lm, err := http.ParseTime(lastModified)
	return err == nil && !lm.After(ims)
}

// notShared refuses a sharing token's actor on a route that is not a
// sharing route.
func (h *Handler) notShared(fn endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		if a.Share != nil {
			if err := h.auth.LogShareRead(r.Context(), a, r.Method, r.URL.RequestURI(), http.StatusForbidden, 0); err != nil {
				h.ServeError(w, r, err)
				return
			}
			h.ServeError(w, r, errs.New(errs.Forbidden, "api.share_only", "a sharing token reads the /api/v1/share routes only"))
			return
		}
		fn(w, r, a)
	}
}
