package scheme_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// deductionLibrary defines two deduction items for the findings of
// supervision.
func deductionLibrary() []scheme.Indicator {
	return []scheme.Indicator{
		{Code: "DED_CLEAN", Name: "党风廉政问题扣分", Kind: score.KindDeduction},
		{Code: "DED_SAFE", Name: "安全生产问题扣分", Kind: score.KindDeduction},
	}
}

// addDeductions gives d a dimension of deductions DED capped at 6 over
// DED_CLEAN (capped at 4) and DED_SAFE, a total deduction cap of 8, and
// finding rules, out of order: the canonical order is by category, then
// severity.
func addDeductions(d *score.Scheme) {
	d.Indicators = append(d.Indicators,
		score.Indicator{Code: "DED", Name: "发现问题扣分", Kind: score.KindDeduction, Cap: 6},
		score.Indicator{Code: "DED_CLEAN", Parent: "DED", Kind: score.KindDeduction, Cap: 4},
		score.Indicator{Code: "DED_SAFE", Parent: "DED", Kind: score.KindDeduction})
	d.DeductionCap = 8
	d.FindingRules = []score.FindingRule{
		{Category: "safety", Severity: "severe", Indicator: "SAFETY"},
		{Category: "integrity", Severity: "severe", Indicator: "DED_CLEAN", Points: 3},
		{Category: "safety", Severity: "major", Indicator: "DED_SAFE", Points: 2},
		{Category: "integrity", Severity: "minor", Indicator: "DED_CLEAN", Points: 0.5},
	}
}

// ruleDoc is doc() with the deductions and rules of addDeductions, its
// leaves' kinds set as the library would.
func ruleDoc() *score.Scheme {
	d := doc()
	d.Indicators[7].Kind, d.Indicators[8].Kind = score.KindQualitative, score.KindVeto
	addDeductions(d)
	return d
}

func TestRulesCanonical(t *testing.T) {
	b := richBundle(t)
	var got []string
	for _, r := range b.Scheme.FindingRules {
		got = append(got, r.Category+"/"+r.Severity)
	}
	if want := "integrity/minor integrity/severe safety/major safety/severe"; strings.Join(got, " ") != want {
		t.Errorf("rules in order %v, want %s", got, want)
	}
	// A veto rule's points are dropped: a veto flags and counts nothing.
	d := ruleDoc()
	d.FindingRules[0].Points = 9
	scheme.Canonicalise(d)
	if r, _ := d.RuleFor("safety", "severe"); r.Points != 0 {
		t.Errorf("veto rule after Canonicalise: %+v, want 0 points", r)
	}
}

// TestRulesChecked checks every way a document's rules are refused, in
// the JSON import path (the engine's checks, with the platform's codes).
func TestRulesChecked(t *testing.T) {
	tests := []struct {
		name       string
		change     func(r []score.FindingRule) []score.FindingRule
		key, field string
	}{
		{"unknown category", func(r []score.FindingRule) []score.FindingRule { r[1].Category = "corruption"; return r },
			"scheme.rule.category_unknown", "finding_rules[1].category"},
		{"unknown severity", func(r []score.FindingRule) []score.FindingRule { r[1].Severity = "grave"; return r },
			"scheme.rule.severity_unknown", "finding_rules[1].severity"},
		{"empty category", func(r []score.FindingRule) []score.FindingRule { r[2].Category = ""; return r },
			"scheme.rule.category_required", "finding_rules[2].category"},
		{"empty severity", func(r []score.FindingRule) []score.FindingRule { r[2].Severity = ""; return r },
			"scheme.rule.severity_required", "finding_rules[2].severity"},
		{"duplicate", func(r []score.FindingRule) []score.FindingRule {
			return append(r, score.FindingRule{Category: "safety", Severity: "major", Indicator: "DED", Points: 1})
		}, "scheme.rule.duplicate", "finding_rules[4].severity"},
		{"unknown indicator", func(r []score.FindingRule) []score.FindingRule { r[3].Indicator = "NOPE"; return r },
			"scheme.rule.indicator_unknown", "finding_rules[3].indicator"},
		{"no indicator", func(r []score.FindingRule) []score.FindingRule { r[3].Indicator = ""; return r },
			"scheme.rule.indicator_required", "finding_rules[3].indicator"},
		{"wrong kind", func(r []score.FindingRule) []score.FindingRule { r[3].Indicator = "GDP"; return r },
			"scheme.rule.indicator_kind", "finding_rules[3].indicator"},
		{"negative points", func(r []score.FindingRule) []score.FindingRule { r[1].Points = -2; return r },
			"scheme.rule.points_invalid", "finding_rules[1].points"},
		{"NaN points", func(r []score.FindingRule) []score.FindingRule { r[1].Points = math.NaN(); return r },
			"scheme.rule.points_invalid", "finding_rules[1].points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ruleDoc()
			d.FindingRules = tt.change(d.FindingRules)
			// NaN has no JSON: check the document as Compose does.
			var err error
			if math.IsNaN(d.FindingRules[1].Points) {
				err = scheme.Compose(d, nil, nil)
			} else {
				raw := must[[]byte](t)(jsonOf(d))
				_, err = scheme.ParseJSON(raw)
			}
			var l errs.List
			if !errors.As(err, &l) {
				t.Fatalf("got %v, want a list of errors", err)
			}
			found := false
			for _, e := range l {
				if e.Key == tt.key && e.Field == tt.field {
					found = true
				}
				// The engine says the same in English: it is left out.
				if e.Key == "scheme.document_invalid" && strings.HasPrefix(e.Field, "finding_rules") {
					t.Errorf("the engine's message is shown too: %v", e)
				}
			}
			if !found {
				t.Errorf("got %v, want %s on %s", err, tt.key, tt.field)
			}
		})
	}
}

// jsonOf is the document as a file would hold it, rules in its order.
func jsonOf(d *score.Scheme) ([]byte, error) { return json.Marshal(d) }

func TestDiffRules(t *testing.T) {
	old, cur := ruleDoc(), ruleDoc()
	// Remove integrity·minor, add work_style·major, raise safety·major
	// to 3 points, send integrity·severe to the dimension; safety·severe
	// (the veto) stays.
	cur.FindingRules = []score.FindingRule{
		{Category: "safety", Severity: "severe", Indicator: "SAFETY"},
		{Category: "integrity", Severity: "severe", Indicator: "DED", Points: 3},
		{Category: "safety", Severity: "major", Indicator: "DED_SAFE", Points: 3},
		{Category: "work_style", Severity: "major", Indicator: "DED", Points: 1},
	}
	d := must[*scheme.Diff](t)(scheme.DiffDocs(old, cur, nil))
	var got []string
	for _, rc := range d.Rules {
		s := rc.Category + "/" + rc.Severity + ":"
		if rc.Old != nil {
			s += rc.Old.Indicator + "=" + fmtPoints(rc.Old.Points)
		}
		s += ">"
		if rc.New != nil {
			s += rc.New.Indicator + "=" + fmtPoints(rc.New.Points)
		}
		got = append(got, s)
	}
	want := []string{"integrity/minor:DED_CLEAN=0.5>", "integrity/severe:DED_CLEAN=3>DED=3", "work_style/major:>DED=1", "safety/major:DED_SAFE=2>DED_SAFE=3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rule changes:\n got %v\nwant %v", got, want)
	}
	if d.Rules[2].New.Name != "发现问题扣分" || d.Rules[2].New.Kind != score.KindDeduction {
		t.Errorf("added rule's indicator: %+v", d.Rules[2].New)
	}
	if d.Empty() {
		t.Error("a diff of rules only is empty")
	}
	if same := must[*scheme.Diff](t)(scheme.DiffDocs(ruleDoc(), ruleDoc(), nil)); !same.Empty() {
		t.Errorf("a document differs from itself: %+v", same.Rules)
	}
}

func fmtPoints(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func TestExcelRules(t *testing.T) {
	// The exported sheet: labels in Chinese, the indicator's name beside
	// its code, no points for the veto.
	f, err := excelize.OpenReader(bytes.NewReader(exportExcel(t, richBundle(t))))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(scheme.SheetRules)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"问题类别", "严重程度", "指标编码", "指标名称", "分值"},
		{"党风廉政", "一般", "DED_CLEAN", "党风廉政问题扣分", "0.5"}, {"党风廉政", "严重", "DED_CLEAN", "党风廉政问题扣分", "3"},
		{"安全生产", "较重", "DED_SAFE", "安全生产问题扣分", "2"}, {"安全生产", "严重", "SAFETY", "重大安全事故"}}
	if len(rows) != len(want) {
		t.Fatalf("rules sheet: %v, want %v", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %v, want %v", i+1, rows[i], want[i])
		}
	}

	good := []struct {
		name  string
		edit  func(f *excelize.File)
		check func(t *testing.T, d *score.Scheme)
	}{
		{"codes instead of labels", func(f *excelize.File) {
			f.SetCellStr(scheme.SheetRules, "A2", "integrity")
			f.SetCellStr(scheme.SheetRules, "B2", "minor")
		}, func(t *testing.T, d *score.Scheme) {
			if r, ok := d.RuleFor("integrity", "minor"); !ok || r.Points != 0.5 {
				t.Errorf("integrity minor: %+v %t", r, ok)
			}
		}},
		{"points on a veto are ignored", func(f *excelize.File) { f.SetCellFloat(scheme.SheetRules, "E5", 5, -1, 64) },
			func(t *testing.T, d *score.Scheme) {
				if r, _ := d.RuleFor("safety", "severe"); r.Points != 0 {
					t.Errorf("veto rule: %+v", r)
				}
			}},
		{"rows in any order", func(f *excelize.File) {
			f.SetSheetRow(scheme.SheetRules, "A2", &[]any{"安全生产", "较重", "DED_SAFE", "", 2})
			f.SetSheetRow(scheme.SheetRules, "A4", &[]any{"党风廉政", "一般", "DED_CLEAN", "", 0.5})
		}, func(t *testing.T, d *score.Scheme) {
			if d.FindingRules[0].Category != "integrity" || d.FindingRules[0].Severity != "minor" {
				t.Errorf("rules not in canonical order: %+v", d.FindingRules)
			}
		}},
		{"no rules sheet", func(f *excelize.File) { f.DeleteSheet(scheme.SheetRules) }, func(t *testing.T, d *score.Scheme) {
			if len(d.FindingRules) != 0 {
				t.Errorf("rules: %+v", d.FindingRules)
			}
		}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			b, err := scheme.ParseExcel(edit(t, tt.edit))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, b.Scheme)
		})
	}

	bad := []struct {
		name string
		edit func(f *excelize.File)
		// rows and keys of the errors, in order
		rows []int
		keys []string
		want string
	}{
		{"unknown category", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "A3", "腐败") }, []int{3},
			[]string{"scheme.import.not_enum"}, `sheet 扣分规则, cell A3 (问题类别): "腐败" is not one of 党风廉政、作风建设`},
		{"no severity", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "B2", "") }, []int{2},
			[]string{"scheme.import.required"}, `sheet 扣分规则, cell B2 (严重程度): required`},
		{"unknown indicator", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "C4", "NOPE") }, []int{4},
			[]string{"scheme.import.unknown_indicator"}, `sheet 扣分规则, cell C4 (指标编码): indicator "NOPE" is not on sheet 指标`},
		{"not a deduction", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "C2", "GDP") }, []int{2},
			[]string{"scheme.import.rule_kind"}, `sheet 扣分规则, cell C2 (指标编码): GDP is a quantitative indicator`},
		{"points in words", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "E3", "三分") }, []int{3},
			[]string{"scheme.import.points_invalid"}, `sheet 扣分规则, cell E3 (分值): "三分" is not a non-negative number`},
		{"negative points", func(f *excelize.File) { f.SetCellFloat(scheme.SheetRules, "E3", -1, -1, 64) }, []int{3},
			[]string{"scheme.import.points_invalid"}, `cell E3 (分值): "-1" is not a non-negative number`},
		{"no points", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "E4", "") }, []int{4},
			[]string{"scheme.import.required"}, `cell E4 (分值): the points of a bonus or deduction rule are required`},
		{"twice", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "B3", "一般") }, []int{3},
			[]string{"scheme.import.rule_duplicate"}, `cell B3 (严重程度): a second rule for 党风廉政·一般 (also row 2)`},
		{"wrong header", func(f *excelize.File) { f.SetCellStr(scheme.SheetRules, "E1", "扣分") }, []int{1},
			[]string{"scheme.import.header"}, `sheet 扣分规则, cell E1 (分值): header "扣分", want "分值"`},
		{"a formula", func(f *excelize.File) { f.SetCellFormula(scheme.SheetRules, "E2", "=1/2") }, []int{2},
			[]string{"scheme.import.formula"}, `sheet 扣分规则, cell E2 (): formulas are not allowed`},
		{"two bad rows, all reported", func(f *excelize.File) {
			f.SetCellStr(scheme.SheetRules, "A2", "腐败")
			f.SetCellStr(scheme.SheetRules, "E4", "x")
		}, []int{2, 4}, []string{"scheme.import.not_enum", "scheme.import.points_invalid"}, `cell A2 (问题类别)`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			b, err := scheme.ParseExcel(edit(t, tt.edit))
			if b != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q and no bundle", err, tt.want)
			}
			var l errs.List
			if !errors.As(err, &l) || len(l) != len(tt.rows) {
				t.Fatalf("got %v, want %d errors", err, len(tt.rows))
			}
			for i, e := range l {
				if e.Code != errs.Invalid || e.Row != tt.rows[i] || e.Key != tt.keys[i] || e.Args["sheet"] != scheme.SheetRules {
					t.Errorf("error %d: %#v, want %s at row %d of %s", i, e, tt.keys[i], tt.rows[i], scheme.SheetRules)
				}
			}
		})
	}
}

func TestSetRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		v := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID,
			scheme.Draft{Doc: ruleDoc(), Library: deductionLibrary(), Reason: "初始版本"}))
		if len(v.Doc.FindingRules) != 4 || v.Doc.FindingRules[0].Category != "integrity" {
			t.Fatalf("stored rules: %+v", v.Doc.FindingRules)
		}
		rules := []score.FindingRule{
			{Category: "work_style", Severity: "minor", Indicator: "DED", Points: 0.5},
			{Category: "safety", Severity: "severe", Indicator: "SAFETY", Points: 2},
		}
		got := must[*scheme.Version](t)(f.s.SetRules(ctx, f.office, v.ID, rules))
		if len(got.Doc.FindingRules) != 2 || got.Doc.FindingRules[0].Category != "work_style" || got.Doc.FindingRules[1].Points != 0 {
			t.Fatalf("rules after SetRules: %+v", got.Doc.FindingRules)
		}
		if got.Reason != "初始版本" || got.Digest == v.Digest || auditActions(t, d, "scheme.version.rules") != 1 {
			t.Errorf("version after the change: reason %q, digest changed %v, audit %d", got.Reason, got.Digest != v.Digest,
				auditActions(t, d, "scheme.version.rules"))
		}
		// The same rules in another order change nothing and record nothing.
		same := must[*scheme.Version](t)(f.s.SetRules(ctx, f.office, v.ID, []score.FindingRule{rules[1], rules[0]}))
		if same.Digest != got.Digest || auditActions(t, d, "scheme.version.rules") != 1 {
			t.Errorf("unchanged rules wrote or recorded something")
		}
		// A document without rules keeps the digest it had before rules
		// existed: finding_rules is left out of the JSON.
		none := must[*scheme.Version](t)(f.s.SetRules(ctx, f.office, v.ID, nil))
		if bytes.Contains(none.Document, []byte("finding_rules")) {
			t.Errorf("a document without rules says finding_rules: %s", none.Document)
		}

		tests := []struct {
			name       string
			rules      []score.FindingRule
			key, field string
		}{
			{"unknown category", []score.FindingRule{{Category: "风纪", Severity: "minor", Indicator: "DED", Points: 1}},
				"scheme.rule.category_unknown", "finding_rules[0].category"},
			{"on a dimension", []score.FindingRule{{Category: "tasks", Severity: "minor", Indicator: "D1", Points: 1}},
				"scheme.rule.indicator_kind", "finding_rules[0].indicator"},
			{"twice", []score.FindingRule{{Category: "tasks", Severity: "minor", Indicator: "DED", Points: 1},
				{Category: "tasks", Severity: "minor", Indicator: "DED_SAFE", Points: 2}}, "scheme.rule.duplicate", "finding_rules[1].severity"},
			{"negative", []score.FindingRule{{Category: "tasks", Severity: "minor", Indicator: "DED", Points: -1}},
				"scheme.rule.points_invalid", "finding_rules[0].points"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.s.SetRules(ctx, f.office, v.ID, tt.rules)
				wantError(t, err, errs.Invalid, tt.key, tt.field)
				now := must[*scheme.Version](t)(f.s.Version(ctx, f.office, v.ID))
				if now.Digest != none.Digest || auditActions(t, d, "scheme.version.rules") != 2 {
					t.Errorf("a refused change wrote something")
				}
			})
		}

		_, err := f.s.SetRules(ctx, f.viewer, v.ID, rules)
		wantCode(t, err, errs.Forbidden)
		_, err = f.s.SetRules(ctx, f.outsider, v.ID, rules)
		wantCode(t, err, errs.NotFound)
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, v.ID))
		_, err = f.s.SetRules(ctx, f.office, v.ID, rules)
		wantError(t, err, errs.Conflict, "scheme.version.not_draft", "")
	})
}
