package scheme_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

var cats = []scheme.Category{{Code: "eco", Name: "生态功能区"}, {Code: "urban", Name: "经济发达地区"}}

// richBundle is a composed document that uses most settings, with its
// library: among them a dimension of deductions with a cap of its own
// over two deduction items, and finding rules on them and on the veto.
func richBundle(t testing.TB) *scheme.Bundle {
	t.Helper()
	lib := map[string]*scheme.Indicator{}
	for _, ind := range append(library(), deductionLibrary()...) {
		ind := ind
		if err := ind.Validate(); err != nil {
			t.Fatal(err)
		}
		lib[ind.Code] = &ind
	}
	d := doc()
	target, lo, hi := 8.0, 0.0, 100.0
	d.Indicators[1].Normalise = score.Normalisation{Method: score.Target, Target: &target, Cap: true}
	d.Indicators[4].Normalise = score.Normalisation{Method: score.Goalposts, Low: &lo, High: &hi}
	d.Indicators[4].Winsorise = true
	d.Indicators[6].Missing = score.MissingMedian
	d.Indicators[5].Aggregation = score.Geometric
	d.Indicators[7].Rating = score.RatingSpec{Source: score.FromVotes, Share: []string{"优秀", "称职"}}
	d.Weighting = score.WeightAHP
	d.AHP = [][]float64{{1, 2, 2}, {0.5, 1, 1}, {0.5, 1, 1}}
	for i := range d.Indicators[:6] {
		if d.Indicators[i].Parent == "" {
			d.Indicators[i].Weight, d.Indicators[i].Weights = 0, nil
		}
	}
	d.Rating = score.RatingPolicy{Grades: []score.GradePoint{{Grade: "优秀", Points: 100}, {Grade: "称职", Points: 80}, {Grade: "不称职", Points: 0}},
		Groups: []score.RaterGroup{{Code: "上级", Weight: 0.6}, {Code: "下级", Weight: 0.4}}}
	d.Grading = score.Grading{Bands: []score.Band{{Grade: "好", Min: 90}, {Grade: "一般", Min: 0}},
		Quotas: []score.Quota{{Grade: "好", Share: 0.2}}}
	d.BonusCap = 5
	d.Version = "2025"
	addDeductions(d)
	if err := scheme.Compose(d, lib, []string{"eco", "urban"}); err != nil {
		t.Fatal(err)
	}
	return scheme.NewBundle(d, lib)
}

func exportExcel(t testing.TB, b *scheme.Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := b.ExportExcel(&buf, cats); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExcelRoundTrip(t *testing.T) {
	b := richBundle(t)
	want := must[[]byte](t)(scheme.Canonical(b.Scheme))
	got := must[*scheme.Bundle](t)(scheme.ParseExcel(exportExcel(t, b)))
	if g := must[[]byte](t)(scheme.Canonical(got.Scheme)); !bytes.Equal(g, want) {
		t.Fatalf("round trip changed the scheme:\n got %s\nwant %s", g, want)
	}
	if len(got.Library) != len(b.Library) {
		t.Fatalf("library: got %d entries, want %d", len(got.Library), len(b.Library))
	}
	for i := range got.Library {
		g, w := got.Library[i], b.Library[i]
		if g.Code != w.Code || g.DataItem != w.DataItem || g.Formula != w.Formula || g.Name != w.Name || g.Key != w.Key {
			t.Errorf("library %d: got %+v, want %+v", i, g, w)
		}
	}
	// JSON too.
	var js bytes.Buffer
	if err := b.ExportJSON(&js); err != nil {
		t.Fatal(err)
	}
	got = must[*scheme.Bundle](t)(scheme.ParseJSON(js.Bytes()))
	if g := must[[]byte](t)(scheme.Canonical(got.Scheme)); !bytes.Equal(g, want) {
		t.Fatalf("JSON round trip changed the scheme:\n got %s\nwant %s", g, want)
	}
	// A bare engine document is accepted.
	got = must[*scheme.Bundle](t)(scheme.ParseJSON(want))
	if len(got.Library) != 0 || len(got.Scheme.Indicators) != len(b.Scheme.Indicators) {
		t.Errorf("bare document: got %+v", got)
	}
}

// edit exports the bundle, changes the workbook and returns its bytes.
func edit(t *testing.T, fn func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(exportExcel(t, richBundle(t))))
	if err != nil {
		t.Fatal(err)
	}
	fn(f)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExcelBad(t *testing.T) {
	foreign := func() []byte {
		f := excelize.NewFile()
		f.SetCellStr("Sheet1", "A1", "姓名")
		var buf bytes.Buffer
		f.WriteTo(&buf)
		return buf.Bytes()
	}()
	tests := []struct {
		name string
		data []byte
		row  int
		want string
	}{
		{"not xlsx", []byte("PK\x03\x04 this is not a zip"), 0, "not an Excel workbook"},
		{"csv", []byte("code,name\nA,B\n"), 0, "not an Excel workbook"},
		{"foreign", foreign, 0, `sheet "指标" not found (the workbook has Sheet1)`},
		{"wrong header", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "K1", "分值") }), 1,
			`sheet 指标, cell K1 (权重): header "分值", want "权重"`},
		{"text in number", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "K3", "六十") }), 3,
			`sheet 指标, cell K3 (权重): "六十" is not a number`},
		{"merged", edit(t, func(f *excelize.File) { f.MergeCell("指标", "B2", "C2") }), 2,
			`sheet 指标, cell B2 (): merged cells B2:C2 are not allowed`},
		{"formula", edit(t, func(f *excelize.File) { f.SetCellFormula("指标", "K3", "=30*2") }), 3,
			`sheet 指标, cell K3 (): formulas are not allowed`},
		{"bad kind", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "D3", "大概") }), 3,
			`sheet 指标, cell D3 (类型): "大概" is not one of`},
		{"duplicate code", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "A4", "GDP") }), 4,
			`sheet 指标, cell A4 (编码): code "GDP" is also on row 3`},
		{"quantitative without source", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "I3", "") }), 3,
			`sheet 指标, cell I3 (数据项): a quantitative indicator needs a data item or a formula`},
		{"bad formula", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "J4", "RD_SPEND /") }), 4,
			`sheet 指标, cell J4 (计算公式): indicator RD: formula: syntax`},
		{"unknown parent", edit(t, func(f *excelize.File) { f.SetCellStr("指标", "C8", "D9") }), 8,
			`sheet 指标, row 8: indicator "PETITION": parent: unknown parent "D9"`},
		{"weights sheet text", edit(t, func(f *excelize.File) { f.SetCellStr("权重-生态功能区", "C4", "abc") }), 4,
			`sheet 权重-生态功能区, cell C4 (权重): "abc" is not a non-negative number`},
		{"weights sheet unknown", edit(t, func(f *excelize.File) { f.SetCellStr("权重-经济发达地区", "A5", "NOPE") }), 5,
			`sheet 权重-经济发达地区, cell A5 (编码): indicator "NOPE" is not on sheet 指标`},
		{"scheme sheet json", edit(t, func(f *excelize.File) { f.SetCellStr("方案", "B13", "{bands") }), 13,
			`sheet 方案, cell B13 (等次设置): not valid JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scheme.ParseExcel(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Invalid || e.Row != tt.row {
				t.Errorf("got %#v, want Invalid at row %d", e, tt.row)
			}
		})
	}
}

func TestImportNothingWritten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		count := func() (n int) {
			d.SQL.QueryRow(`SELECT (SELECT count(*) FROM scheme_versions) + (SELECT count(*) FROM indicators) + (SELECT count(*) FROM audit_log)`).Scan(&n)
			return n
		}
		before := count()
		// A new library indicator and a data item the catalogue lacks: nothing is written.
		b := richBundle(t)
		b.Scheme.Indicators = append(b.Scheme.Indicators, score.Indicator{Code: "WATER", Parent: "D2", Weight: 0})
		b.Library = append(b.Library, scheme.Indicator{Code: "WATER", Name: "地表水达到或好于Ⅲ类水体比例", Unit: "%", DataItem: "WATER_III"})
		b.Rows = make([]int, len(b.Library))
		b.Rows[len(b.Rows)-1] = 12
		_, err := f.s.Import(ctx, f.office, f.county.ID, b, "导入", "2025年度", "")
		var e *errs.Error
		if !errors.As(err, &e) || e.Row != 12 || e.Field != "data_item" {
			t.Fatalf("got %v, want unknown data item on row 12", err)
		}
		if n := count(); n != before {
			t.Fatalf("rows written: %d → %d", before, n)
		}
		// With the item in the catalogue, the indicator joins the library with the version.
		addItem(t, d, "WATER_III", f.city.ID)
		v := must[*scheme.Version](t)(f.s.Import(ctx, f.office, f.county.ID, b, "导入", "2025年度", ""))
		lib := must[*scheme.Indicator](t)(f.s.Indicator(ctx, f.viewer, "WATER"))
		if lib.DataItem != "WATER_III" {
			t.Errorf("library WATER: %+v", lib)
		}
		// Export → import gives the same document bytes.
		var buf bytes.Buffer
		must[*scheme.Version](t)(f.s.ExportExcel(ctx, f.viewer, v.ID, &buf))
		back := must[*scheme.Bundle](t)(scheme.ParseExcel(buf.Bytes()))
		v2 := must[*scheme.Version](t)(f.s.Import(ctx, f.office, f.county.ID, back, "再导入", "", ""))
		if !bytes.Equal(v2.Document, v.Document) {
			t.Errorf("re-import changed the document:\n%s\n%s", v.Document, v2.Document)
		}
		// A definition that contradicts the library is refused.
		back.Library[0].Name = "别的名称"
		_, err = f.s.Import(ctx, f.office, f.county.ID, back, "x", "", "")
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "differs from its definition") {
			t.Errorf("conflicting library: got %v", err)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	var buf bytes.Buffer
	richBundle(f).ExportJSON(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"indicators":[{"code":"A"}]}`))
	f.Add([]byte(`{"format":"kaohe-scheme/1","scheme":{"indicators":[]},"library":[{"code":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := scheme.ParseJSON(data)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("error without code Invalid: %v", err)
			}
			return
		}
		// What parses exports and parses again to the same document.
		var out bytes.Buffer
		if err := b.ExportJSON(&out); err != nil {
			t.Fatal(err)
		}
		b2, err := scheme.ParseJSON(out.Bytes())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		x, _ := scheme.Canonical(b.Scheme)
		y, _ := scheme.Canonical(b2.Scheme)
		if !bytes.Equal(x, y) {
			t.Fatalf("re-parse changed the document")
		}
	})
}

func FuzzParseExcel(f *testing.F) {
	f.Add(exportExcel(f, richBundle(f)))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := scheme.ParseExcel(data)
		if err != nil && errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("error without code Invalid: %v", err)
		}
	})
}
