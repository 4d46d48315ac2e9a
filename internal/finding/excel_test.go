package finding_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// workbook fills the body's template with rows, from row 2.
func workbook(t *testing.T, f *fixture, login string, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.svc.WriteTemplate(context.Background(), f.actors[login], 0, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := x.SetSheetRow(finding.SheetFindings, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := x.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestImport records findings from the template: a workbook with bad rows
// writes nothing and reports every bad cell by row and column; the good
// one records each row, people by name.
func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		jiwei := f.actors["jiwei"]
		var tpl bytes.Buffer
		if err := f.svc.WriteTemplate(ctx, jiwei, 0, &tpl); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(tpl.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		units, _ := x.GetRows(finding.SheetUnits)
		if len(units) != 8 || units[1][1] != "甲市" {
			t.Errorf("the template's units: %v", units)
		}
		x.Close()
		if err := f.svc.WriteTemplate(ctx, f.actors["office"], 0, &tpl); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the office's template: got %v, want Forbidden", err)
		}

		good := []any{"910102", "甲县", "巡视巡察", "作风建设", "一般", "2025-07-15", "甲巡反〔2025〕3号", "会议记录不全", "党组会议记录缺少议题。", "张三、赵六"}
		before := f.written(t)
		bad := workbook(t, f, "jiwei", [][]any{
			good,
			{"910202", "", "巡视巡察", "作风建设", "一般", "2025-07-15", "", "标题", "描述", ""},                     // 3: a unit outside
			{"910102", "丙县", "传闻", "天气", "致命", "2025/13/01", "", "", "", "李四、 王五"},                     // 4: everything
			{"", "", "", "", "", "", "", "标题", "描述", ""},                                               // 5: blank required cells
			{"910103", "", "审计", "财经纪律", "较重", "2099-01-01", "", strings.Repeat("长", 101), "描述", "张三"}, // 6
		})
		_, err = f.svc.Import(ctx, jiwei, 0, "巡察问题.xlsx", bad)
		want := "finding.import.unit_unknown@3:unit_id(A3) " +
			"finding.import.label_invalid@4:source(C4) finding.import.label_invalid@4:category(D4) finding.import.label_invalid@4:severity(E4) " +
			"finding.import.unit_name@4:unit_name(B4) finding.import.person_unknown@4:people(J4) finding.import.person_unknown@4:people(J4) " +
			"finding.found_on_invalid@4:found_on(F4) finding.title_required@4:title(H4) finding.description_required@4:description(I4) " +
			"finding.source_required@5:source(C5) finding.category_required@5:category(D5) finding.severity_required@5:severity(E5) " +
			"finding.found_on_required@5:found_on(F5) finding.unit_required@5:unit_id(A5) " +
			"finding.found_on_future@6:found_on(F6) finding.title_too_long@6:title(H6)"
		if got := problems(err); got != want {
			t.Errorf("bad workbook:\n got %s\nwant %s", got, want)
		}
		if n := f.written(t); n != before {
			t.Fatalf("a refused workbook wrote %d rows", n-before)
		}

		for name, tt := range map[string]struct {
			data []byte
			want string
		}{
			"not a workbook": {[]byte("单位代码,标题\n"), "finding.import.not_xlsx@0:"},
			"empty":          {workbook(t, f, "jiwei", nil), "finding.import.empty@0:"},
		} {
			if _, err := f.svc.Import(ctx, jiwei, 0, name, tt.data); problems(err) != tt.want {
				t.Errorf("%s: got %s, want %s", name, problems(err), tt.want)
			}
		}
		other := append([]any(nil), good...)
		other[0], other[1], other[9] = "910103", "", "王五、张三"
		fs := must[[]*finding.Finding](t)(f.svc.Import(ctx, jiwei, 0, "巡察问题.xlsx", workbook(t, f, "jiwei", [][]any{good, {}, other})))
		if len(fs) != 2 || fs[0].Unit != "甲县" || len(fs[0].People) != 2 || fs[1].Unit != "丙县" || fs[0].Source != finding.SourcePatrol ||
			fs[0].Severity != finding.SeverityMinor || fs[0].FoundOn != "2025-07-15" {
			t.Fatalf("imported: %+v", fs)
		}
		if n := f.count(t, "findings"); n != 2 {
			t.Fatalf("findings after the import: %d, want 2", n)
		}
		var reason string
		if err := d.SQL.QueryRow(`SELECT reason FROM audit_log WHERE action = 'finding.create' ORDER BY seq LIMIT 1`).Scan(&reason); err != nil ||
			reason != "Excel 导入：巡察问题.xlsx" {
			t.Errorf("the import's reason: %q %v", reason, err)
		}
		// A county body's rows about another county are refused.
		if _, err := f.svc.Import(ctx, f.actors["xuncha"], 0, "x.xlsx", workbook(t, f, "xuncha", [][]any{other})); problems(err) != "finding.import.unit_unknown@2:unit_id(A2)" {
			t.Errorf("xuncha imports about 丙县: got %s", problems(err))
		}
	})
}
