package server

import (
	"archive/zip"
	"bytes"
	"math/rand/v2"
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

// TestUploadKind uploads files whose name says one thing and whose
// content another: the content decides, and bytes that are neither a
// workbook nor text are refused as such — not as a CSV without a header.
func TestUploadKind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.signIn(t, "office")
		random := make([]byte, 4096)
		rand.NewChaCha8([32]byte{21}).Read(random)
		for _, tc := range []struct {
			name, file string
			data       []byte
			want       string
		}{
			{"random bytes named .xlsx", "values.xlsx", random, "既不是 Excel 工作簿（.xlsx），也不是 CSV 文本文件"},
			{"random bytes named .csv", "values.csv", random, "既不是 Excel 工作簿（.xlsx），也不是 CSV 文本文件"},
			{"a zip that is no workbook", "values.xlsx", zipOf(t, "a.txt", "x"), "不是可读取的 Excel 工作簿"},
		} {
			res, body := f.upload(t, c, f.units["330100-TJJ"].ID, tc.file, tc.data)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || strings.Contains(body, "entity") {
				t.Errorf("%s: got %d, want 422 saying %q:\n%.400s", tc.name, res.StatusCode, tc.want, body)
			}
		}
	})
}

func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write([]byte(body))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
