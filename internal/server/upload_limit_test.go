package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestUploadTooLarge uploads files over the limit and checks that the
// page names the limit instead of a generic error, and writes nothing.
func TestUploadTooLarge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.signIn(t, "office")
		for _, tc := range []struct {
			name string
			size int
		}{
			{"70 MiB, cut off while reading the form", 70 << 20},
			{"one byte over the limit", collect.MaxWorkbook + 1},
		} {
			res, body := f.upload(t, c, f.units["330100-TJJ"].ID, "values.csv", bytes.Repeat([]byte("x"), tc.size))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "上传的文件不能超过 64 MiB") {
				t.Errorf("%s: got %d, want 422 naming the 64 MiB limit:\n%.300s", tc.name, res.StatusCode, body)
			}
		}
		if n := countValues(t, d); n != 0 {
			t.Errorf("values after refused uploads: got %d, want 0", n)
		}
	})
}
