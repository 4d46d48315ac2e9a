package finding

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzReadSheet feeds the findings importer's sheet reader arbitrary
// bytes, seeded with a workbook holding the findings sheet: it must answer
// rows or an error, never panic.
func FuzzReadSheet(f *testing.F) {
	x := excelize.NewFile()
	if _, err := x.NewSheet(SheetFindings); err != nil {
		f.Fatal(err)
	}
	for i, v := range []string{"发现日期", "标题", "被反映单位", "类别", "严重程度"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		x.SetCellValue(SheetFindings, cell, v)
		cell, _ = excelize.CoordinatesToCellName(i+1, 2)
		x.SetCellValue(SheetFindings, cell, "2025-03-01")
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readSheet(data)
		if err == nil && rows == nil && len(data) == 0 {
			t.Fatal("an empty file read as a sheet")
		}
	})
}
