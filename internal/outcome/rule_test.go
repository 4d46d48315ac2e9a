package outcome_test

import (
	"slices"
	"strings"
	"testing"

	"kaohe/internal/finding"
	. "kaohe/internal/outcome"
	"kaohe/internal/survey"
)

// grades builds a history of annual grades from the first year on.
func grades(first int, gs ...string) *History {
	h := &History{}
	for i, g := range gs {
		h.Grades = append(h.Grades, GradeRecord{Year: first + i, Grade: g})
	}
	return h
}

// TestDefaultRules runs the default rule set over hand-checked histories:
// each row's expected codes were worked out by reading the rules.
func TestDefaultRules(t *testing.T) {
	warned := grades(2023, "优秀", "优秀", "优秀")
	warned.Sanctions = []*finding.Sanction{{Kind: finding.KindWarning, EffectiveFrom: "2025-03-01", EffectiveTo: "2025-08-31",
		Status: finding.SanctionActive}}
	oldWarning := grades(2023, "称职", "称职", "称职")
	oldWarning.Sanctions = []*finding.Sanction{{Kind: finding.KindWarning, EffectiveFrom: "2023-03-01", EffectiveTo: "2023-08-31",
		Status: finding.SanctionActive}}
	investigated := grades(2024, "称职", "称职")
	investigated.Sanctions = []*finding.Sanction{{Kind: finding.KindInvestigation, EffectiveFrom: "2025-05-01",
		Status: finding.SanctionActive}}
	distrusted := grades(2024, "称职", "称职")
	distrusted.Votes = []survey.NoConfidence{{Period: "2025", Share: 0.34, Votes: 50}, {Period: "2024", Share: 0.5}}
	trusted := grades(2024, "称职", "称职")
	trusted.Votes = []survey.NoConfidence{{Period: "2025", Share: 1.0 / 3, Votes: 51}}
	for _, tt := range []struct {
		name string
		h    *History
		want []string
	}{
		{"no grades", &History{}, nil},
		{"one year 优秀", grades(2025, "优秀"), nil},
		{"two years 优秀", grades(2024, "优秀", "优秀"), []string{"promotion_competent", "reserve_outstanding"}},
		{"three years 优秀", grades(2023, "优秀", "优秀", "优秀"), []string{"merit_three_excellent", "promotion_competent", "reserve_outstanding"}},
		{"four years 优秀: the merit came last year", grades(2022, "优秀", "优秀", "优秀", "优秀"), []string{"promotion_competent", "reserve_outstanding"}},
		{"six years 优秀: a second merit", grades(2020, "优秀", "优秀", "优秀", "优秀", "优秀", "优秀"),
			[]string{"merit_three_excellent", "promotion_competent", "reserve_outstanding"}},
		{"优秀 broken by 称职", grades(2023, "优秀", "称职", "优秀"), []string{"promotion_competent"}},
		{"a gap breaks a streak", &History{Grades: []GradeRecord{{Year: 2022, Grade: "优秀"}, {Year: 2024, Grade: "优秀"},
			{Year: 2025, Grade: "优秀"}}}, []string{"promotion_competent", "reserve_outstanding"}},
		{"three years 优秀 under a warning", warned, nil},
		{"a warning of an earlier year", oldWarning, []string{"promotion_competent"}},
		{"an open investigation", investigated, nil},
		{"基本称职", grades(2024, "称职", "基本称职"), []string{"admonish_basic"}},
		{"the year after 基本称职: no promotion", grades(2024, "基本称职", "称职"), nil},
		{"不称职", grades(2024, "称职", "不称职"), []string{"adjust_incompetent"}},
		{"two years 不称职", grades(2024, "不称职", "不称职"), []string{"dismiss_two_incompetent"}},
		{"不称职 votes above a third", distrusted, []string{"promotion_competent", "review_no_confidence"}},
		{"不称职 votes of exactly a third", trusted, []string{"promotion_competent"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Matches(DefaultRules, tt.h.Env())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRuleValidate refuses a rule that does not compile, names an
// unknown field or yields no truth value, naming the field.
func TestRuleValidate(t *testing.T) {
	for _, tt := range []struct {
		name, code, cond string
		action           Action
		want, says       string
	}{
		{"good", "x", `Grade == "优秀" && Findings == 0`, ActMerit, "", ""},
		{"unknown field", "x", `Grade == "优秀" && Rank < 3`, ActMerit, "outcome.rule.condition_invalid@0:condition", "unknown name Rank"},
		{"unknown method", "x", `Streaks("优秀") > 2`, ActMerit, "outcome.rule.condition_invalid@0:condition", "Streaks"},
		{"does not parse", "x", `Grade == `, ActMerit, "outcome.rule.condition_invalid@0:condition", "unexpected"},
		{"not a truth value", "x", `Year + 1`, ActMerit, "outcome.rule.condition_invalid@0:condition", "bool"},
		{"empty", "x", ``, ActMerit, "outcome.rule.condition_invalid@0:condition", ""},
		{"bad code and action", "X Y", `true`, "promote", "outcome.rule.code_invalid@0:code outcome.rule.action_invalid@0:action", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := Rule{Code: tt.code, Name: "规则", Action: tt.action, Condition: tt.cond}
			err := r.Validate()
			if got := problems(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if tt.says != "" && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}
