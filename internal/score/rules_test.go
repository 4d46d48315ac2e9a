package score

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// rulesScheme has a dimension, a per-dimension deduction cap (DED, whose
// two deduction children have caps of their own), a bonus and a veto.
func rulesScheme() *Scheme {
	return &Scheme{
		Indicators: []Indicator{
			{Code: "D1", Kind: KindDimension, Weight: 1},
			{Code: "GDP", Parent: "D1", Weight: 1},
			{Code: "DED", Name: "发现问题扣分", Kind: KindDeduction, Cap: 5},
			{Code: "DED_CLEAN", Name: "党风廉政", Parent: "DED", Kind: KindDeduction, Cap: 4},
			{Code: "DED_SAFE", Name: "安全生产", Parent: "DED", Kind: KindDeduction},
			{Code: "BON", Kind: KindBonus},
			{Code: "VETO", Kind: KindVeto},
		},
		FindingRules: []FindingRule{
			{Category: "integrity", Severity: "severe", Indicator: "DED_CLEAN", Points: 3},
			{Category: "safety", Severity: "major", Indicator: "DED_SAFE", Points: 2},
			{Category: "safety", Severity: "severe", Indicator: "VETO"},
		},
	}
}

func TestValidateFindingRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Scheme)
		want   string // "" = valid
	}{
		{"valid", func(s *Scheme) {}, ""},
		{"no rules", func(s *Scheme) { s.FindingRules = nil }, ""},
		{"bonus rule", func(s *Scheme) {
			s.FindingRules = append(s.FindingRules, FindingRule{Category: "tasks", Severity: "minor", Indicator: "BON", Points: 1})
		}, ""},
		{"points on a veto are ignored", func(s *Scheme) { s.FindingRules[2].Points = 7 }, ""},
		{"zero points", func(s *Scheme) { s.FindingRules[0].Points = 0 }, ""},
		{"a rule on the per-dimension node", func(s *Scheme) { s.FindingRules[0].Indicator = "DED" }, ""},
		{"unknown indicator", func(s *Scheme) { s.FindingRules[1].Indicator = "DED_X" },
			`finding_rules[1]: indicator: unknown indicator "DED_X"`},
		{"empty indicator", func(s *Scheme) { s.FindingRules[1].Indicator = "" }, `finding_rules[1]: indicator: must not be empty`},
		{"wrong kind: a quantitative leaf", func(s *Scheme) { s.FindingRules[0].Indicator = "GDP" },
			`finding_rules[0]: indicator: "GDP" is a quantitative; a finding rule applies to a bonus, deduction or veto item`},
		{"wrong kind: a dimension", func(s *Scheme) { s.FindingRules[0].Indicator = "D1" },
			`finding_rules[0]: indicator: "D1" is a dimension`},
		{"duplicate category and severity", func(s *Scheme) {
			s.FindingRules = append(s.FindingRules, FindingRule{Category: "safety", Severity: "major", Indicator: "DED", Points: 1})
		}, `finding_rules[3]: severity: a second rule for category "safety" and severity "major" (also finding_rules[1])`},
		{"negative points", func(s *Scheme) { s.FindingRules[0].Points = -1 }, `finding_rules[0]: points: must be a non-negative number, got -1`},
		{"NaN points", func(s *Scheme) { s.FindingRules[0].Points = math.NaN() }, `finding_rules[0]: points: must be a non-negative number, got NaN`},
		{"infinite points", func(s *Scheme) { s.FindingRules[0].Points = math.Inf(1) }, `finding_rules[0]: points: must be a non-negative number, got +Inf`},
		{"empty category", func(s *Scheme) { s.FindingRules[0].Category = " " }, `finding_rules[0]: category: must not be empty`},
		{"empty severity", func(s *Scheme) { s.FindingRules[0].Severity = "" }, `finding_rules[0]: severity: must not be empty`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := rulesScheme()
			tc.change(s)
			err := s.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || !strings.HasPrefix(e.Path, "finding_rules[") {
				t.Fatalf("got %#v, want an *Error at finding_rules[…]", e)
			}
		})
	}
}

func TestRuleFor(t *testing.T) {
	s := rulesScheme()
	if r, ok := s.RuleFor("safety", "major"); !ok || r.Indicator != "DED_SAFE" || r.Points != 2 {
		t.Errorf("RuleFor(safety, major): got %+v, %t; want DED_SAFE, 2 points", r, ok)
	}
	if r, ok := s.RuleFor("safety", "minor"); ok {
		t.Errorf("RuleFor(safety, minor): got %+v, want no rule", r)
	}
}

// TestPerDimensionCap checks the caps of nested deduction items: each
// child's own cap first, then the parent's cap over its children — the
// cap of a dimension of deductions — and the lines that say so.
func TestPerDimensionCap(t *testing.T) {
	tests := []struct {
		name string
		// findings on DED_CLEAN and DED_SAFE, as points
		clean, safe []float64
		// want is the deduction; cuts the cap lines (indicator → cut)
		want float64
		cuts map[string]float64
	}{
		// 3 + 1 = 4 on 党风廉政 (its cap 4 not exceeded), 0 on 安全生产:
		// 4 ≤ 5, nothing is cut.
		{"under both caps", []float64{3, 1}, nil, 4, nil},
		// 党风廉政 3 + 3 = 6, cut to its cap 4 (cut 2); 安全生产 2; the
		// dimension 4 + 2 = 6, cut to 5 (cut 1): the per-dimension cap binds.
		{"both caps bind", []float64{3, 3}, []float64{2}, 5, map[string]float64{"DED_CLEAN": 2, "DED": 1}},
		// 安全生产 2 + 2 + 2 = 6 alone, uncapped itself, cut to 5 by DED.
		{"only the dimension's cap binds", nil, []float64{2, 2, 2}, 5, map[string]float64{"DED": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := NewInput(rulesScheme(), []Entity{{ID: "a", Group: "g"}, {ID: "b", Group: "g"}})
			if err != nil {
				t.Fatal(err)
			}
			in.Values.Set(0, 0, 1)
			in.Values.Set(1, 0, 2)
			add := func(ind string, pts []float64) {
				for k, p := range pts {
					in.Findings = append(in.Findings, Finding{ID: ind + string(rune('1'+k)), Entity: "b", Indicator: ind, Points: p})
				}
			}
			add("DED_CLEAN", tc.clean)
			add("DED_SAFE", tc.safe)
			out, err := Compute(in)
			if err != nil {
				t.Fatal(err)
			}
			r := out.Entities[1]
			// b has the higher GDP: base 100.
			if r.Deduction != tc.want || r.Total != 100-tc.want {
				t.Errorf("deduction %g, total %g; want %g, %g", r.Deduction, r.Total, tc.want, 100-tc.want)
			}
			cuts := map[string]float64{}
			ex := out.Explain(1)
			sum := 0.0
			for _, it := range ex.Items {
				sum += it.Contribution
				if it.Kind == string(LineCap) {
					cuts[it.Indicator] = it.Points
					if want := map[string]float64{"DED": 5, "DED_CLEAN": 4}[it.Indicator]; it.Cap != want {
						t.Errorf("cap line of %s: cap %g, want %g", it.Indicator, it.Cap, want)
					}
				}
			}
			if len(cuts) != len(tc.cuts) {
				t.Errorf("cap lines %v, want %v", cuts, tc.cuts)
			}
			for k, v := range tc.cuts {
				if cuts[k] != v {
					t.Errorf("cut of %s: got %g, want %g", k, cuts[k], v)
				}
			}
			if math.Abs(sum-r.Total) > 1e-9 {
				t.Errorf("explanation adds up to %g, total %g", sum, r.Total)
			}
		})
	}
}
