package collect_test

import (
	"context"
	"os"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name, in string
		rows     int
		err      string // key of the first error
	}{
		{"plain", "entity_code,item_code,period,value\n910102,GDP,2025,1\n", 1, ""},
		{"chinese header, CRLF, BOM", "\ufeff对象代码,数据项代码,期间,数值\r\n910102,GDP,2025,1\r\n910121,GDP,2025,2", 2, ""},
		{"tabs", "entity_code\titem_code\tperiod\tvalue\n910102\tGDP\t2025\t1\n", 1, ""},
		{"quoted", "entity_code,item_code,period,value,reason\n910102,GDP,2025,\"1,234.5\",\"口径\"\"调整\"\"\n说明\"\n", 1, ""},
		{"blank lines", "entity_code,item_code,period,value\n\n910102,GDP,2025,1\n\n", 1, ""},
		{"missing column", "entity_code,item_code,value\n910102,GDP,1\n", 0, "collect.import.column_missing"},
		{"repeated column", "entity_code,item_code,period,value,数值\n", 0, "collect.import.column_repeated"},
		{"empty", "", 0, "collect.import.no_header"},
		{"unclosed quote", "entity_code,item_code,period,value\n910102,GDP,2025,\"1\n", 0, "collect.import.bad_quote"},
		{"stray quote", "entity_code,item_code,period,value\n910102,GD\"P,2025,1\n", 0, "collect.import.bad_quote"},
		{"too many fields", "entity_code,item_code,period,value\n910102,GDP,2025,1,2\n", 0, "collect.import.too_many_fields"},
		{"not text", "entity_code,item_code,period,value\n\xff\xfe\xfd\x80,GDP\n", 0, "collect.import.encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := collect.ParseCSV([]byte(tt.in))
			if tt.err != "" {
				var e *errs.Error
				if !asErr(err, &e) || e.Key != tt.err {
					t.Fatalf("got %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rows) != tt.rows {
				t.Fatalf("got %d rows, want %d: %+v", len(b.Rows), tt.rows, b.Rows)
			}
		})
	}
	b, _ := collect.ParseCSV([]byte("entity_code,item_code,period,value,reason\n910102,GDP,2025,\"1,234.5\",\"口径\"\"调整\"\"\n说明\"\n910121,GDP,2025,2\n"))
	if b.Rows[0].Value != "1,234.5" || b.Rows[0].Reason != "口径\"调整\"\n说明" || b.Rows[1].Line != 4 {
		t.Fatalf("quoted fields: %+v", b.Rows)
	}
}

// TestGBKImport submits a CSV written by Chinese Excel (GBK, CRLF).
func TestGBKImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		text := "对象代码,对象名称,数据项代码,期间,数值,计量单位\r\n910102,清河区,GDP,2025,1234.5,亿元\r\n910121,云溪县,GDP,2025,12.5亿元,\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		b, err := collect.ParseCSV([]byte(gbk))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.s.Submit(context.Background(), f.statsUser, *b)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != 2 || rep.Converted != "GBK→UTF-8" {
			t.Fatalf("report %+v, want 2 inserted, converted from GBK", rep)
		}
		// A wrong unit in the unit column is refused, nothing written.
		bad := "对象代码,数据项代码,期间,数值,计量单位\r\n910102,GDP,2024,1234.5,万元\r\n"
		gbk, _ = simplifiedchinese.GBK.NewEncoder().String(bad)
		b, _ = collect.ParseCSV([]byte(gbk))
		_, err = f.s.Submit(context.Background(), f.statsUser, *b)
		wantErrs(t, err, "collect.row.unit_mismatch@2")
		if n := f.count(t); n != 2 {
			t.Fatalf("%d values, want 2", n)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"../../testdata/collect/values-utf8.csv", "../../testdata/collect/values-gbk.csv"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("entity_code,item_code,period,value,reason\n910102,GDP,2025,\"1,234.5\",\"a\"\"b\"\n"))
	f.Add([]byte("entity_code\titem_code\tperiod\tvalue\r\n910102\tGDP\t2025\t1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := collect.ParseCSV(data)
		if err != nil {
			return
		}
		last := 1
		for _, r := range b.Rows {
			if r.Line <= last {
				t.Fatalf("row lines not increasing: %d after %d", r.Line, last)
			}
			last = r.Line
		}
		it := &collect.Item{Code: "X", Type: collect.TypeNumber, Measure: "亿元"}
		for _, r := range b.Rows {
			if r.Value != "" {
				it.ParseValue(r.Value)
			}
		}
	})
}

func FuzzParseWorkbook(f *testing.F) {
	for _, name := range []string{"../../testdata/collect/values-long.xlsx", "../../testdata/collect/bad-merged-formula.xlsx"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := collect.ParseWorkbook(data)
		if err == nil && b == nil {
			t.Fatal("no batch and no error")
		}
	})
}
