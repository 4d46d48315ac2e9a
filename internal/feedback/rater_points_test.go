package feedback

import (
	"math"
	"testing"

	"kaohe/internal/cycle"
	"kaohe/internal/score"
)

// TestRaterPoints: a rater group is a problem only when it rated a
// qualitative indicator at least a tenth worse than the raters together,
// in the indicator's direction.
func TestRaterPoints(t *testing.T) {
	h := &cycle.Header{Nodes: []string{"TEAM", "SHARE_BAD"}, Names: []string{"领导班子建设", "不称职票比例"},
		Leaves: []string{"TEAM", "SHARE_BAD"}}
	inds := map[string]score.Indicator{"SHARE_BAD": {Code: "SHARE_BAD", Direction: score.Lower}}
	groups := map[string]string{"sub": "下级", "peer": "同级"}
	for _, tc := range []struct {
		name   string
		raw    []score.Num
		raters []score.RaterValue
		want   []string // group:indicator of each point
	}{
		{"a tenth below is a problem", []score.Num{80, 0.1},
			[]score.RaterValue{{Leaf: "TEAM", Group: "sub", Raters: 12, Value: 71.9}, {Leaf: "TEAM", Group: "peer", Raters: 8, Value: 76}},
			[]string{"下级:TEAM"}},
		{"exactly a tenth is not", []score.Num{80, 0.1}, []score.RaterValue{{Leaf: "TEAM", Group: "sub", Raters: 12, Value: 72}}, nil},
		{"lower is better", []score.Num{80, 0.1},
			[]score.RaterValue{{Leaf: "SHARE_BAD", Group: "sub", Raters: 12, Value: 0.2}, {Leaf: "SHARE_BAD", Group: "peer", Raters: 8, Value: 0.05}},
			[]string{"下级:SHARE_BAD"}},
		{"no combined value", []score.Num{score.Num(math.NaN()), 0.1}, []score.RaterValue{{Leaf: "TEAM", Group: "sub", Raters: 12, Value: 10}}, nil},
		{"unknown leaf", []score.Num{80, 0.1}, []score.RaterValue{{Leaf: "GONE", Group: "sub", Raters: 12, Value: 10}}, nil},
	} {
		e := &cycle.Entry{Detail: cycle.Detail{Raw: tc.raw, Raters: tc.raters}}
		ps := raterPoints(h, e, inds, groups)
		var got []string
		for _, p := range ps {
			got = append(got, p.Note+":"+p.Indicator)
			if p.Kind != RaterGroupLow || p.Raters == 0 || math.IsNaN(float64(p.Score)) {
				t.Errorf("%s: point %+v", tc.name, p)
			}
		}
		if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
