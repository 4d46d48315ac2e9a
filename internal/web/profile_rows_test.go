package web

import (
	"math"
	"strings"
	"testing"

	"kaohe/internal/cycle"
	"kaohe/internal/locale"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// TestExplanationRows checks that the decomposition says each finding
// line in words — title, category·severity, the rule's points and whether
// it counted — and each cap by the cap and the cut, with no code or ID,
// and lists the findings the scheme had no rule for.
func TestExplanationRows(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	nan := score.Num(math.NaN())
	item := func(kind, ind, finding string, st score.FindingStatus, note string, pts, c, contribution float64) score.Item {
		return score.Item{Kind: kind, Indicator: ind, Finding: finding, Status: st, Note: note, Points: pts, Cap: c,
			Contribution: contribution, Raw: nan, Normalised: nan, Weight: nan}
	}
	pr := &cycle.Profile{
		Snapshot: &cycle.Snapshot{Header: &cycle.Header{Nodes: []string{"I01", "DED", "DED_CLEAN", "BON", "VETO"},
			Kinds: []score.Kind{score.KindQuantitative, score.KindDeduction, score.KindDeduction, score.KindBonus, score.KindVeto}}},
		Names: map[string]string{"I01": "指标1", "DED": "发现问题扣分", "DED_CLEAN": "党风廉政问题扣分", "BON": "创新加分", "VETO": "一票否决事项"},
		Explanation: score.Explanation{Items: []score.Item{
			{Kind: "leaf", Indicator: "I01", Raw: 70, Normalised: 70, Weight: 1, Contribution: 70},
			item("finding", "DED_CLEAN", "F-2025-001", score.Active, "违规发放津贴补贴", 3, 0, -3),
			item("finding", "DED_CLEAN", "F-2025-002", score.Exempted, "改革试点中程序瑕疵", 3, 0, 0),
			item("finding", "DED_CLEAN", "F-2025-003", score.Voided, "反映其违规经商", 3, 0, 0),
			item("cap", "DED_CLEAN", "", "", "", 2.0000000001, 4, 2.0000000001),
			item("finding", "BON", "F-2025-004", score.Active, "改革经验获推广", 1, 0, 1),
			item("finding", "VETO", "F-2025-005", score.Active, "辖区发生较大安全生产事故", 0, 0, 0),
			item("cap", "", "", "", "", 1, 10, 1),
		}},
		Detail: cycle.Detail{Findings: []cycle.FindingNote{
			{ID: "F-2025-001", Category: "integrity", Severity: "severe", Status: score.Active, Indicator: "DED_CLEAN"},
			{ID: "F-2025-002", Category: "integrity", Severity: "severe", Status: score.Exempted, Indicator: "DED_CLEAN"},
			{ID: "F-2025-003", Category: "integrity", Severity: "major", Status: score.Voided, Indicator: "DED_CLEAN"},
			{ID: "F-2025-004", Category: "tasks", Severity: "minor", Status: score.Active, Indicator: "BON"},
			{ID: "F-2025-005", Category: "safety", Severity: "severe", Status: score.Active, Indicator: "VETO"},
			{ID: "F-2025-006", Category: "environment", Severity: "minor", Status: score.Active, Title: "秸秆焚烧管控不力"},
		}},
	}
	rows := explanationRows(b.For(locale.Chinese), pr)
	said := func(r itemRow) string {
		return strings.Join([]string{r.Name, r.Indicator, r.Kind, r.Contribution, r.Note, r.Finding, r.Points, r.Status}, "|")
	}
	want := []string{
		"指标1|I01|指标|70.0000||||",
		"党风廉政问题扣分||问题线索|-3.0000|违规发放津贴补贴|党风廉政·严重|扣 3 分|计入",
		"党风廉政问题扣分||问题线索|0.0000|改革试点中程序瑕疵|党风廉政·严重|扣 3 分|已免责",
		"党风廉政问题扣分||问题线索|0.0000|反映其违规经商|党风廉政·较重|扣 3 分|已澄清",
		"党风廉政问题扣分||封顶调整|2.0000|上限 4 分，核减 2 分|||",
		"创新加分||问题线索|1.0000|改革经验获推广|重点任务落实·一般|加 1 分|计入",
		"一票否决事项||问题线索|0.0000|辖区发生较大安全生产事故|安全生产·严重|一票否决|计入",
		"扣分合计||封顶调整|1.0000|上限 10 分，核减 1 分|||",
		"—||问题线索|0.0000|秸秆焚烧管控不力|生态环保·一般||无扣分规则，未计分",
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if got := said(r.row); got != want[i] {
			t.Errorf("row %d:\n got %s\nwant %s", i, got, want[i])
		}
		if strings.Contains(said(r.row), "F-2025") {
			t.Errorf("row %d shows a finding ID: %s", i, said(r.row))
		}
	}
}

// TestFindingLabels checks that every finding category, severity and
// counting status has a label in both languages.
func TestFindingLabels(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range scheme.FindingCategories() {
		keys = append(keys, locale.FindingCategoryPrefix+c)
	}
	for _, s := range scheme.FindingSeverities() {
		keys = append(keys, locale.FindingSeverityPrefix+s)
	}
	for _, s := range []score.FindingStatus{score.Active, score.Exempted, score.Voided, "unruled"} {
		keys = append(keys, "profile.status."+string(s))
	}
	for _, k := range keys {
		if !b.Has(k) {
			t.Errorf("key %q missing from a locale file", k)
		}
	}
	if got := b.For(locale.Chinese).FindingKind("integrity", "severe"); got != "党风廉政·严重" {
		t.Errorf("FindingKind: got %q", got)
	}
	if got := b.For(locale.Chinese).FindingCategory("other"); got != "other" {
		t.Errorf("an unknown category shows %q, want its code", got)
	}
}

// TestUnruledOnCyclePage renders the cycle dashboard with findings the
// scheme version had no rule for: the office reads how many, of which
// category and severity, and in which version.
func TestUnruledOnCyclePage(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := loadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	loc := b.For(locale.Chinese)
	line := loc.T("cycle.unruled_count", "n", 2, "entities", 3, "version", 4, "kind", loc.FindingKind("integrity", "severe"))
	if want := "2 条问题线索在方案第 4 版中没有扣分规则（党风廉政·严重），涉及 3 个考核对象"; line != want {
		t.Errorf("got %q, want %q", line, want)
	}
	if one := loc.T("cycle.unruled_count", "n", 1, "entities", 1, "version", 4, "kind", "安全生产·一般"); strings.Contains(one, "涉及") {
		t.Errorf("one finding about one entity: %q", one)
	}
	p := &page{Lang: locale.Chinese, loc: loc, Data: cycleShowData{C: &cycle.Cycle{Name: "2025年度考核"}, Unruled: []string{line}}}
	body, err := v.execute(locale.Chinese, "cycle_show", "content", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `id="unruled"`) || !strings.Contains(string(body), line) {
		t.Errorf("the dashboard does not say %q:\n%s", line, body)
	}
}
