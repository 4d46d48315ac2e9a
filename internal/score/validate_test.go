package score

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	base := func() *Scheme {
		return &Scheme{Indicators: []Indicator{
			{Code: "D1", Kind: KindDimension, Weight: 1},
			{Code: "GDP", Parent: "D1", Weight: 2},
			{Code: "EMP", Parent: "D1", Weight: 1},
		}}
	}
	tests := []struct {
		name   string
		change func(s *Scheme)
		want   string // "" = valid
	}{
		{"valid", func(s *Scheme) {}, ""},
		{"negative weight", func(s *Scheme) { s.Indicators[1].Weight = -1 }, `indicator "GDP": weight: must not be negative`},
		{"zero sum", func(s *Scheme) { s.Indicators[1].Weight, s.Indicators[2].Weight = 0, 0 }, `indicator "D1": weight: the weights of the children of "D1" sum to zero`},
		{"category zero sum", func(s *Scheme) {
			s.Indicators[1].Weights = map[string]float64{"县": 0}
			s.Indicators[2].Weights = map[string]float64{"县": 0}
		}, `weights.县: the weights of the children of "D1" sum to zero in category "县"`},
		{"unknown parent", func(s *Scheme) { s.Indicators[2].Parent = "D9" }, `indicator "EMP": parent: unknown parent "D9"`},
		{"duplicate", func(s *Scheme) { s.Indicators[2].Code = "GDP" }, `indicator "GDP": code: duplicate code`},
		{"empty code", func(s *Scheme) { s.Indicators[2].Code = "" }, `indicators[2]: code: must not be empty`},
		{"cycle", func(s *Scheme) {
			s.Indicators = append(s.Indicators, Indicator{Code: "A", Parent: "B"}, Indicator{Code: "B", Parent: "A"})
		}, `parent: cycle in the tree: A → B → A`},
		{"self cycle", func(s *Scheme) { s.Indicators[0].Parent = "D1" }, `cycle in the tree: D1 → D1`},
		{"bad kind", func(s *Scheme) { s.Indicators[1].Kind = "score" }, `indicator "GDP": kind: unknown kind "score"`},
		{"bad direction", func(s *Scheme) { s.Indicators[1].Direction = "up" }, `direction: unknown direction "up"`},
		{"bad normalise", func(s *Scheme) { s.Indicators[1].Normalise.Method = "log" }, `normalise.method: unknown normalisation "log"`},
		{"target needs value", func(s *Scheme) { s.Indicators[1].Normalise.Method = Target }, `normalise.target: method target needs a target value`},
		{"goalposts order", func(s *Scheme) {
			s.Indicators[1].Normalise = Normalisation{Method: Goalposts, Low: ptr(5), High: ptr(1)}
		}, `normalise.high: must be greater than low`},
		{"leaf with children", func(s *Scheme) {
			s.Indicators[1].Kind = KindQuantitative
			s.Indicators = append(s.Indicators, Indicator{Code: "X", Parent: "GDP"})
		}, `indicator "GDP": kind: a quantitative cannot have children`},
		{"ahp inconsistent", func(s *Scheme) {
			s.Indicators = append(s.Indicators, Indicator{Code: "PPL", Parent: "D1"})
			s.Indicators[0].Weighting = WeightAHP
			s.Indicators[0].AHP = [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}}
		}, `indicator "D1": ahp: inconsistent: consistency ratio CR = `},
		{"ahp not reciprocal", func(s *Scheme) {
			s.Indicators[0].Weighting = WeightAHP
			s.Indicators[0].AHP = [][]float64{{1, 3}, {3, 1}}
		}, `ahp[0][1]: not reciprocal`},
		{"ahp ragged rows", func(s *Scheme) {
			// Found by internal/scheme's FuzzParseJSON: compiling the tree
			// once ran the power iteration on this matrix and panicked.
			s.Weighting = WeightAHP
			s.AHP = [][]float64{{}}
		}, `ahp[0]: row has 0 entries, want 1`},
		{"ahp wrong size", func(s *Scheme) {
			s.Indicators[0].Weighting = WeightAHP
			s.Indicators[0].AHP = [][]float64{{1}}
		}, `ahp: matrix has 1 rows, want 2`},
		{"quota on unknown grade", func(s *Scheme) {
			s.Grading = Grading{Bands: []Band{{"优秀", 90}, {"称职", 0}}, Quotas: []Quota{{Grade: "好", Share: 0.2}}}
		}, `grading.quotas[0]: grade: unknown grade "好"`},
		{"bands order", func(s *Scheme) { s.Grading = Grading{Bands: []Band{{"称职", 0}, {"优秀", 90}}} }, `grading.bands[1]: min: bands must be ordered best first`},
		{"deduction under quantitative", func(s *Scheme) {
			s.Indicators[1].Kind = KindQuantitative
			s.Indicators = append(s.Indicators, Indicator{Code: "DED", Kind: KindDeduction, Parent: "GDP"})
		}, `indicator "DED": parent: a deduction cannot be under "GDP"`},
		{"bad rating source", func(s *Scheme) { s.Indicators[1].Rating.Source = "ballots" }, `rating.source: unknown rating source`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
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
			if !errors.As(err, &e) {
				t.Fatalf("got %T, want an *Error inside", err)
			}
		})
	}
}

func TestParseSchemeUnknownField(t *testing.T) {
	_, err := ParseScheme([]byte(`{"indicators":[{"code":"A","wieght":1}]}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "wieght"`) {
		t.Fatalf("got %v, want an unknown-field error", err)
	}
}

func FuzzParseScheme(f *testing.F) {
	f.Add([]byte(`{"indicators":[{"code":"D","kind":"dimension"},{"code":"A","parent":"D","weight":1}]}`))
	f.Add([]byte(`{"indicators":[{"code":"A","parent":"B"},{"code":"B","parent":"A"}]}`))
	f.Add([]byte(`{"weighting":"ahp","ahp":[[1,3],[0.3333,1]],"indicators":[{"code":"A"},{"code":"B"}],"grading":{"bands":[{"grade":"好","min":80},{"grade":"差","min":0}],"quotas":[{"grade":"好","share":0.2}]}}`))
	f.Add([]byte(`{"indicators":[{"code":"A","normalise":{"method":"goalposts","low":1,"high":0}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScheme(data)
		if err != nil {
			return
		}
		// A valid scheme must be scorable without panics.
		in, err := NewInput(s, []Entity{{ID: "a", Group: "g"}, {ID: "b", Group: "g"}})
		if err != nil {
			return
		}
		for j := range in.Values.Cols {
			in.Values.Set(0, j, 1)
			in.Values.Set(1, j, 2)
		}
		if _, err := Compute(in); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compute on a valid scheme: got %v", err)
			}
		}
	})
}
