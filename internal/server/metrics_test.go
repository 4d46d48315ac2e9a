package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestMetricsAndReadiness answers a few requests and reads /metrics from
// the server's separate metrics handler: request latencies are counted by
// route pattern — never by path, so no ID or ballot code becomes a label —
// beside the database pool. /readyz answers ready; /metrics is not on the
// site itself.
func TestMetricsAndReadiness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.signIn(t, "office")
		for _, p := range []string{"/", "/units", "/b/SECRETCODE12", "/no/such/page"} {
			f.get(t, c, p)
		}
		res, body := f.get(t, c, "/readyz")
		if res.StatusCode != 200 || !strings.Contains(body, `"status":"ready"`) {
			t.Fatalf("/readyz: %d %s", res.StatusCode, body)
		}
		if res, _ := f.get(t, c, "/metrics"); res.StatusCode != 404 {
			t.Errorf("/metrics on the site: %d, want 404", res.StatusCode)
		}
		ms := httptest.NewServer(f.srv.Metrics())
		defer ms.Close()
		mr, err := http.Get(ms.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(mr.Body)
		mr.Body.Close()
		text := string(raw)
		for _, want := range []string{
			`kaohe_http_request_duration_seconds_count{method="GET",route="GET /{$}",status="2xx"} 1`,
			`kaohe_http_request_duration_seconds_count{method="POST",route="POST /signin",status="3xx"} 1`,
			`route="GET /b/{code}"`,
			`route="unmatched",status="4xx"`,
			fmt.Sprintf(`go_sql_max_open_connections{db_name=%q}`, d.Engine),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if strings.Contains(text, "SECRETCODE12") {
			t.Error("/metrics names a ballot code")
		}
	})
}
