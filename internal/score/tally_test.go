package score

import (
	"math"
	"testing"
)

func TestTrimmedMean(t *testing.T) {
	tests := []struct {
		scores []float64
		trim   int
		want   float64
	}{
		// 5 raters, N = 5: not more than N, so no trimming: 400/5.
		{[]float64{90, 80, 70, 60, 100}, 5, 80},
		// 6 raters: drop 100 and 40: (90+80+70+60)/4 = 75.
		{[]float64{90, 80, 70, 60, 100, 40}, 5, 75},
		// Ties at the ends: only one of each is dropped: (10+50+90)/3 = 50.
		{[]float64{10, 10, 50, 90, 90}, 3, 50},
		// Negative N never trims.
		{[]float64{0, 50, 100, 100}, -1, 62.5},
	}
	for _, tc := range tests {
		if got := trimmedMean(append([]float64(nil), tc.scores...), tc.trim); !near(got, tc.want, 1e-12) {
			t.Errorf("trimmedMean(%v, %d): got %g, want %g", tc.scores, tc.trim, got, tc.want)
		}
	}
}

// cell runs tallyCell with buffers for the groups' values and sizes.
func cell(g []groupTally, spec RatingSpec, pol *RatingPolicy) (float64, bool, []float64, []float64) {
	vals, sizes := make([]float64, len(g)), make([]float64, len(g))
	v, excl := tallyCell(g, spec, pol, vals, sizes)
	return v, excl, vals, sizes
}

func TestTallyCell(t *testing.T) {
	pol := &RatingPolicy{
		Groups:       []RaterGroup{{Code: "上级", Weight: 0.5}, {Code: "同级", Weight: 0.3}, {Code: "下级", Weight: 0.2}},
		MinGroupSize: 3,
		Grades:       []GradePoint{{"优秀", 100}, {"称职", 80}, {"基本称职", 60}, {"不称职", 0}},
	}
	t.Run("weighted groups", func(t *testing.T) {
		// 上级 (90, 80, 70) → 80; 同级 6 raters, trimmed (100…40 dropped) → 75;
		// 下级 (60, 60, 60) → 60. Total 0.5·80 + 0.3·75 + 0.2·60 = 74.5.
		g := []groupTally{
			{weight: 0.5, scores: []float64{90, 80, 70}},
			{weight: 0.3, scores: []float64{90, 80, 70, 60, 100, 40}},
			{weight: 0.2, scores: []float64{60, 60, 60}},
		}
		got, excl, vals, sizes := cell(g, RatingSpec{}, pol)
		if !near(got, 74.5, 1e-12) || excl {
			t.Errorf("got %g (excluded %v), want 74.5 (false)", got, excl)
		}
		for k, want := range []float64{80, 75, 60} {
			if !near(vals[k], want, 1e-12) || sizes[k] != float64(len(g[k].scores)) {
				t.Errorf("group %d: %g over %g, want %g over %d", k, vals[k], sizes[k], want, len(g[k].scores))
			}
		}
	})
	t.Run("small group excluded, weights renormalised", func(t *testing.T) {
		// 下级 has 2 raters < 3: excluded; (0.5·80 + 0.3·75)/0.8 = 78.125.
		g := []groupTally{
			{weight: 0.5, scores: []float64{90, 80, 70}},
			{weight: 0.3, scores: []float64{90, 80, 70, 60, 100, 40}},
			{weight: 0.2, scores: []float64{0, 0}},
		}
		got, excl, vals, sizes := cell(g, RatingSpec{}, pol)
		if !near(got, 78.125, 1e-12) || !excl {
			t.Errorf("got %g (excluded %v), want 78.125 (true)", got, excl)
		}
		// The excluded group has no value to show: anonymity.
		if !math.IsNaN(vals[2]) || !math.IsNaN(sizes[2]) || !near(vals[0], 80, 1e-12) {
			t.Errorf("group values %v sizes %v, want 下级 withheld", vals, sizes)
		}
	})
	t.Run("vote shares", func(t *testing.T) {
		// 上级 votes 优秀 2, 称职 1, 基本称职 0, 不称职 1 (4 votes);
		// 同级 0, 2, 1, 1 (4 votes); 下级 none.
		// Share of 优秀+称职: (0.5·3/4 + 0.3·2/4)/0.8 = 0.65625.
		// Share of 不称职: (0.5·1/4 + 0.3·1/4)/0.8 = 0.25.
		// Mean points: 上级 (200+80+0)/4 = 70, 同级 (160+60)/4 = 55 →
		// (0.5·70 + 0.3·55)/0.8 = 64.375.
		mk := func() []groupTally {
			return []groupTally{
				{weight: 0.5, votes: []float64{2, 1, 0, 1}},
				{weight: 0.3, votes: []float64{0, 2, 1, 1}},
				{weight: 0.2},
			}
		}
		for _, tc := range []struct {
			share []string
			want  float64
		}{{[]string{"优秀", "称职"}, 0.65625}, {[]string{"不称职"}, 0.25}, {nil, 64.375}} {
			got, _, _, _ := cell(mk(), RatingSpec{Source: FromVotes, Share: tc.share}, pol)
			if !near(got, tc.want, 1e-12) {
				t.Errorf("share %v: got %g, want %g", tc.share, got, tc.want)
			}
		}
	})
	t.Run("no qualifying group", func(t *testing.T) {
		got, _, _, _ := cell([]groupTally{{weight: 1, scores: []float64{50}}}, RatingSpec{}, pol)
		if !math.IsNaN(got) {
			t.Errorf("got %g, want NaN", got)
		}
	})
}
