package collect

import (
	"archive/zip"
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetScanner reads a workbook with the byte scanner and with
// excelize's row iterator and wants the same cells: shared and inline
// strings with entities, numbers, booleans, skipped rows and columns.
func TestSheetScanner(t *testing.T) {
	f := excelize.NewFile()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "对象代码")
	set("B1", `A&B <c> "q" 'a'`)
	set("D1", 12.5)
	set("A2", true)
	set("C4", "清河区")
	set("E4", -0.000123)
	set("A6", "  spaced  ")
	if err := f.SetCellRichText("Sheet1", "B6", []excelize.RichTextRun{{Text: "富"}, {Text: "文本"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	want, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	sheets, sstPart, err := readWorkbook(zr)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := readPart(zr, sheets[0].part)
	sstRaw, _ := readPart(zr, sstPart)
	r := sheetReader{sc: sheetScanner{b: raw, sst: sharedStrings(sstRaw)}}
	var got [][]string
	for {
		cells, ok := r.next()
		if !ok {
			break
		}
		got = append(got, cells)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) && !(len(got[i]) == 0 && len(want[i]) == 0) {
			t.Errorf("row %d: got %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{"a&amp;b": "a&b", "&lt;&gt;&quot;&apos;": `<>"'`, "&#x4E2D;&#25991;": "中文", "&bogus;": "&bogus;", "&": "&"} {
		if got := unescape([]byte(in)); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}
