package collect_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// template returns the template of 统计局 for 2025, as bytes and as an
// open workbook to edit.
func (f *fixture) template(t *testing.T) (*excelize.File, []byte) {
	t.Helper()
	g, err := f.s.Grid(context.Background(), f.statsUser, f.stats.ID, "2025")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := collect.WriteTemplate(&buf, g); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return wb, buf.Bytes()
}

func save(t *testing.T, wb *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(t *testing.T, wb *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := wb.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		wb, _ := f.template(t)
		// The template: period, the provider's annual items only, the two counties.
		if v, _ := wb.GetCellValue(collect.SheetValues, "B1"); v != "2025" {
			t.Fatalf("B1 = %q, want 2025", v)
		}
		if v, _ := wb.GetCellValue(collect.SheetValues, "C3"); v != "GDP" {
			t.Fatalf("C3 = %q, want GDP (FOREST belongs to another department, PETITION is quarterly)", v)
		}
		if v, _ := wb.GetCellValue(collect.SheetValues, "D3"); v != "更正原因" {
			t.Fatalf("D3 = %q, want the reason column", v)
		}
		if a, b := must[string](t)(wb.GetCellValue(collect.SheetValues, "A4")), must[string](t)(wb.GetCellValue(collect.SheetValues, "A5")); a != "910102" || b != "910121" {
			t.Fatalf("entity rows %s %s, want 910102 910121", a, b)
		}
		dvs := must[[]*excelize.DataValidation](t)(wb.GetDataValidations(collect.SheetValues))
		if len(dvs) != 1 || dvs[0].Sqref != "C4:C5" || dvs[0].Type != "decimal" {
			t.Fatalf("data validations %+v, want one decimal range on C4:C5", dvs)
		}
		if v, _ := wb.GetCellValue(collect.SheetInstructions, "A1"); v != "填报说明" {
			t.Fatalf("instructions sheet A1 = %q", v)
		}
		set(t, wb, collect.SheetValues, "C4", 1234.5)
		set(t, wb, collect.SheetValues, "C5", "321.25")
		b := must[*collect.Batch](t)(collect.ParseWorkbook(save(t, wb)))
		rep := must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, *b))
		if rep.Inserted != 2 {
			t.Fatalf("report %+v, want 2 inserted", rep)
		}
		// The next template holds the values; uploading it again changes nothing.
		wb, data := f.template(t)
		if v, _ := wb.GetCellValue(collect.SheetValues, "C5"); v != "321.25" {
			t.Fatalf("C5 of the next template = %q, want 321.25", v)
		}
		rep = must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, *must[*collect.Batch](t)(collect.ParseWorkbook(data))))
		if rep.Unchanged != 2 || rep.Inserted+rep.Corrected != 0 {
			t.Fatalf("re-upload: %+v, want 2 unchanged", rep)
		}
		// A correction with its reason in the row.
		set(t, wb, collect.SheetValues, "C5", 330)
		set(t, wb, collect.SheetValues, "D5", "年报数据修订")
		rep = must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, *must[*collect.Batch](t)(collect.ParseWorkbook(save(t, wb)))))
		if rep.Corrected != 1 {
			t.Fatalf("correction: %+v, want 1 corrected", rep)
		}
	})
}

// bad is an xlsx that ParseWorkbook or Submit must refuse.
type bad struct {
	name string
	make func(t *testing.T, f *fixture) []byte
	want string // error key
	cell string // the error's field, when it names a cell
}

func TestBadWorkbooks(t *testing.T) {
	cases := []bad{
		{"not a zip", func(t *testing.T, f *fixture) []byte { return []byte("entity_code,item_code\n") }, "collect.xlsx.malformed", ""},
		{"truncated", func(t *testing.T, f *fixture) []byte { _, b := f.template(t); return b[:len(b)/2] }, "collect.xlsx.malformed", ""},
		{"old xls", func(t *testing.T, f *fixture) []byte {
			return append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
		}, "collect.xlsx.legacy", ""},
		{"foreign zip", func(t *testing.T, f *fixture) []byte {
			var buf bytes.Buffer
			zw := newZip(&buf, map[string]string{"word/document.xml": "<w:document/>"})
			_ = zw
			return buf.Bytes()
		}, "collect.xlsx.malformed", ""},
		{"foreign workbook", func(t *testing.T, f *fixture) []byte {
			wb := excelize.NewFile()
			set(t, wb, "Sheet1", "A1", "部门")
			set(t, wb, "Sheet1", "B1", "预算")
			return save(t, wb)
		}, "collect.xlsx.no_sheet", ""},
		{"wrong sheet", func(t *testing.T, f *fixture) []byte {
			wb, _ := f.template(t)
			if err := wb.SetSheetName(collect.SheetValues, "Sheet2"); err != nil {
				t.Fatal(err)
			}
			return save(t, wb)
		}, "collect.xlsx.no_sheet", ""},
		{"merged cells", func(t *testing.T, f *fixture) []byte {
			wb, _ := f.template(t)
			if err := wb.MergeCell(collect.SheetValues, "C4", "C5"); err != nil {
				t.Fatal(err)
			}
			return save(t, wb)
		}, "collect.xlsx.merged", "C4:C5"},
		{"formula", func(t *testing.T, f *fixture) []byte {
			wb, _ := f.template(t)
			set(t, wb, collect.SheetValues, "C4", 10)
			if err := wb.SetCellFormula(collect.SheetValues, "C5", "C4*2"); err != nil {
				t.Fatal(err)
			}
			return save(t, wb)
		}, "collect.xlsx.formula", "C5"},
		{"text in a number cell", func(t *testing.T, f *fixture) []byte {
			wb, _ := f.template(t)
			set(t, wb, collect.SheetValues, "C4", "约一百亿")
			set(t, wb, collect.SheetValues, "C5", 10)
			return save(t, wb)
		}, "collect.value.not_number", "GDP"},
		{"another department's item", func(t *testing.T, f *fixture) []byte {
			wb, _ := f.template(t)
			set(t, wb, collect.SheetValues, "C3", "FOREST")
			set(t, wb, collect.SheetValues, "C4", 60)
			set(t, wb, collect.SheetValues, "C5", 70)
			return save(t, wb)
		}, "collect.row.item_foreign", "item"},
		{"not the template", func(t *testing.T, f *fixture) []byte {
			wb := excelize.NewFile()
			if err := wb.SetSheetName("Sheet1", collect.SheetValues); err != nil {
				t.Fatal(err)
			}
			set(t, wb, collect.SheetValues, "A1", "随便什么")
			return save(t, wb)
		}, "collect.xlsx.not_template", ""},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				data := c.make(t, f)
				before := f.count(t)
				b, err := collect.ParseWorkbook(data)
				if err == nil {
					_, err = f.s.Submit(context.Background(), f.statsUser, *b)
				}
				var e *errs.Error
				if !asErr(err, &e) || e.Key != c.want || (c.cell != "" && e.Field != c.cell) {
					t.Fatalf("got %v (%+v), want %s at %s", err, e, c.want, c.cell)
				}
				if n := f.count(t); n != before {
					t.Fatalf("a bad workbook wrote %d values", n-before)
				}
			})
		}
	})
}

// TestSampleFiles reads the committed sample files of testdata/collect.
func TestSampleFiles(t *testing.T) {
	for name, want := range map[string]string{
		"../../testdata/collect/values-utf8.csv":  "",
		"../../testdata/collect/values-gbk.csv":   "GBK→UTF-8",
		"../../testdata/collect/values-long.xlsx": "",
	} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var b *collect.Batch
		if strings.HasSuffix(name, ".xlsx") {
			b, err = collect.ParseWorkbook(data)
		} else {
			b, err = collect.ParseCSV(data)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Converted != want || len(b.Rows) != 4 || b.Rows[0].Entity != "910102" || b.Rows[0].Item != "GDP" {
			t.Fatalf("%s: converted %q, rows %+v", name, b.Converted, b.Rows)
		}
	}
}

func asErr(err error, target **errs.Error) bool { return errors.As(err, target) }

// newZip writes a zip archive of files to w.
func newZip(w io.Writer, files map[string]string) error {
	zw := zip.NewWriter(w)
	for name, body := range files {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := f.Write([]byte(body)); err != nil {
			return err
		}
	}
	return zw.Close()
}

func TestBadSample(t *testing.T) {
	data, err := os.ReadFile("../../testdata/collect/bad-merged-formula.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	// The reader keeps the refused cells for Submit, which reports them
	// with the rows' own errors.
	b, err := collect.ParseWorkbook(data)
	if err != nil {
		t.Fatal(err)
	}
	l := b.Refused
	if len(l) != 2 || l[0].Key != "collect.xlsx.merged" || l[0].Field != "A5:B5" ||
		l[1].Key != "collect.xlsx.formula" || l[1].Field != "C5" || l[1].Row != 5 {
		t.Fatalf("got %v, want merged A5:B5 and formula C5", l)
	}
}
