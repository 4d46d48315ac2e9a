package collect

import (
	"archive/zip"
	"bytes"
	"runtime"
	"testing"
)

// bomb returns an xlsx whose sheet inflates to size bytes of blanks.
func bomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据填报" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<worksheet><sheetData>`))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n := 0; n < size; n += len(chunk) {
		w.Write(chunk)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipBomb uploads workbooks whose sheet inflates far beyond what they
// weigh and checks that each is refused with collect.xlsx.inflates while
// parsing allocates at most maxAlloc — not the hundreds of MiB the sheet
// would take.
func TestZipBomb(t *testing.T) {
	const maxAlloc = 16 << 20
	for _, c := range []struct {
		name string
		size int
	}{
		{"500 MiB sheet", 500 << 20},
		{"over MaxPart", MaxPart + 1<<20},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := bomb(t, c.size)
			if len(data) > 2<<20 {
				t.Fatalf("the bomb weighs %d bytes; want under 2 MiB", len(data))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ParseWorkbook(data)
			runtime.ReadMemStats(&after)
			if e, ok := asLimit(err); !ok || e.Args["part"] != "xl/worksheets/sheet1.xml" {
				t.Errorf("a %d-byte workbook inflating to %d: got %v, want collect.xlsx.inflates on the sheet", len(data), c.size, err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
				t.Errorf("parsing allocated %d MiB, want at most %d MiB", alloc>>20, maxAlloc>>20)
			}
		})
	}
}
