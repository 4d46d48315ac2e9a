package server

import (
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestAPIMethodNotAllowed asks API routes with verbs they do not answer:
// 405 with the Allow header and the API's error shape; an unknown path
// stays 404.
func TestAPIMethodNotAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.signIn(t, "office")
		for _, tc := range []struct {
			method, path string
			status       int
			allow        string
		}{
			{http.MethodDelete, "/api/v1/units", 405, "GET, HEAD"},
			{http.MethodPut, "/api/v1/units/12", 405, "GET, HEAD"},
			{http.MethodGet, "/api/v1/values", 405, "POST"},
			{http.MethodPost, "/api/v1/users/12/tokens", 405, "GET, HEAD"},
			{http.MethodGet, "/api/v1/users/12/tokens/34", 405, "DELETE"},
			{http.MethodGet, "/api/v1/nothing", 404, ""},
			{http.MethodDelete, "/api/v1/units/12/nothing", 404, ""},
		} {
			req, _ := http.NewRequest(tc.method, f.ts.URL+tc.path, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			buf := make([]byte, 4096)
			n, _ := res.Body.Read(buf)
			b.Write(buf[:n])
			res.Body.Close()
			body := b.String()
			wantCode := `"code":"method_not_allowed"`
			if tc.status == 404 {
				wantCode = `"code":"not_found"`
			}
			if res.StatusCode != tc.status || res.Header.Get("Allow") != tc.allow || !strings.Contains(body, wantCode) {
				t.Errorf("%s %s: got %d, Allow %q, %s; want %d, Allow %q, %s", tc.method, tc.path, res.StatusCode,
					res.Header.Get("Allow"), body, tc.status, tc.allow, wantCode)
			}
		}
	})
}
