package score

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomInput builds a random scheme and data: 1–3 dimensions (some
// geometric, some entropy/CRITIC/equal), mixed normalisations and missing
// policies, bonus and deduction items with caps, findings of every status.
func randomInput(rng *rand.Rand) *Input {
	s := &Scheme{BonusCap: float64(rng.IntN(3)), DeductionCap: float64(rng.IntN(4))}
	if rng.IntN(4) == 0 {
		s.Composite = CompositeTOPSIS
	}
	if rng.IntN(2) == 0 {
		s.Aggregation = Geometric
	}
	nd := 1 + rng.IntN(3)
	weightings := []Weighting{WeightExpert, WeightEqual, WeightEntropy, WeightCRITIC}
	missing := []Missing{MissingExclude, MissingZero, MissingMean, MissingMedian}
	methods := []Method{MinMax, ZScore, Rank}
	for d := 0; d < nd; d++ {
		ind := Indicator{Code: fmt.Sprintf("D%d", d), Kind: KindDimension, Weight: 0.5 + rng.Float64(),
			Weighting: weightings[rng.IntN(len(weightings))]}
		if rng.IntN(3) == 0 {
			ind.Aggregation = Geometric
		}
		s.Indicators = append(s.Indicators, ind)
		for l := 0; l < 1+rng.IntN(4); l++ {
			leaf := Indicator{Code: fmt.Sprintf("L%d_%d", d, l), Parent: ind.Code, Weight: rng.Float64() + 0.1,
				Missing: missing[rng.IntN(len(missing))], Winsorise: rng.IntN(3) == 0,
				Normalise: Normalisation{Method: methods[rng.IntN(len(methods))]}}
			if rng.IntN(2) == 0 {
				leaf.Direction = Lower
			}
			s.Indicators = append(s.Indicators, leaf)
		}
	}
	s.Indicators = append(s.Indicators,
		Indicator{Code: "B", Kind: KindBonus, Cap: 2},
		Indicator{Code: "X", Kind: KindDeduction, Cap: float64(rng.IntN(3))},
		Indicator{Code: "V", Kind: KindVeto})
	n := 3 + rng.IntN(30)
	ents := make([]Entity, n)
	for i := range ents {
		ents[i] = Entity{ID: fmt.Sprintf("e%03d", i), Group: fmt.Sprintf("g%d", rng.IntN(2))}
	}
	in, err := NewInput(s, ents)
	if err != nil {
		panic(err)
	}
	for j, c := range in.Values.Cols {
		for i := range ents {
			switch {
			case c == "B":
				if rng.IntN(3) == 0 {
					in.Values.Set(i, j, float64(rng.IntN(3)))
				}
			case c == "X" || c == "V":
			case rng.IntN(8) != 0:
				in.Values.Set(i, j, math.Round(rng.NormFloat64()*1000)/10)
			}
		}
	}
	statuses := []FindingStatus{Active, Exempted, Voided, ""}
	for k := 0; k < rng.IntN(10); k++ {
		ind := []string{"X", "V", "B"}[rng.IntN(3)]
		in.Findings = append(in.Findings, Finding{ID: fmt.Sprintf("f%d", k), Entity: ents[rng.IntN(n)].ID,
			Indicator: ind, Points: float64(rng.IntN(3)), Status: statuses[rng.IntN(4)]})
	}
	return in
}

func TestContributionsSumToTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		in := randomInput(rng)
		out, err := Compute(in)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		for i := range out.Entities {
			ex := out.Explain(i)
			sum := 0.0
			for _, it := range ex.Items {
				sum += it.Contribution
			}
			if !near(sum, ex.Total, 1e-9) {
				t.Fatalf("trial %d entity %s: contributions sum to %.15g, want total %.15g", trial, ex.Entity, sum, ex.Total)
			}
			for _, it := range ex.Items {
				if it.Kind == string(LineFinding) && it.Status != Active && it.Contribution != 0 {
					t.Fatalf("trial %d: %s finding %s has effect %g, want 0", trial, it.Status, it.Finding, it.Contribution)
				}
			}
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("trial %d: marshal: %v", trial, err)
		}
	}
}

// An arithmetic tree's leaf contribution is its effective weight × score.
func TestContributionIsWeightTimesScore(t *testing.T) {
	in := Synth(200, 12, 3, 7)
	out, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range out.Entities {
		for _, it := range out.Explain(i).Items {
			if it.Kind == "leaf" && !math.IsNaN(float64(it.Normalised)) {
				if want := float64(it.Weight) * float64(it.Normalised); !near(it.Contribution, want, 1e-9) {
					t.Fatalf("%s %s: contribution %g, want weight × score = %g", out.Entities[i].ID, it.Indicator, it.Contribution, want)
				}
			}
		}
	}
}

func ranksOf(out *Output) map[string]int {
	m := map[string]int{}
	for _, r := range out.Entities {
		m[r.ID] = r.Rank
	}
	return m
}

func TestRanksInvariantUnderScaling(t *testing.T) {
	in := Synth(300, 10, 3, 11)
	for j := range in.Scheme.Indicators {
		in.Scheme.Indicators[j].Winsorise = false // winsorising depends only on shape, but keep it simple
	}
	before, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []float64{0.001, 3.7, 1e6} {
		scaled := *in
		scaled.Values.Data = slices.Clone(in.Values.Data)
		col := scaled.Values.Col(2)
		for i := range col {
			col[i] *= c
		}
		after, err := Compute(&scaled)
		if err != nil {
			t.Fatal(err)
		}
		rb, ra := ranksOf(before), ranksOf(after)
		for id, r := range rb {
			if ra[id] != r {
				t.Fatalf("scale %g: entity %s rank got %d, want %d", c, id, ra[id], r)
			}
		}
	}
}

// shuffled returns a copy of in with entities, value rows, ratings and
// findings in a random order.
func shuffled(in *Input, rng *rand.Rand) *Input {
	n := len(in.Entities)
	perm := rng.Perm(n)
	out := *in
	out.Entities = make([]Entity, n)
	out.Values = NewMatrix(n, in.Values.Cols)
	for newRow, oldRow := range perm {
		out.Entities[newRow] = in.Entities[oldRow]
		for j := range in.Values.Cols {
			out.Values.Set(newRow, j, in.Values.At(oldRow, j))
		}
	}
	out.Ratings = slices.Clone(in.Ratings)
	rng.Shuffle(len(out.Ratings), func(a, b int) { out.Ratings[a], out.Ratings[b] = out.Ratings[b], out.Ratings[a] })
	out.Findings = slices.Clone(in.Findings)
	rng.Shuffle(len(out.Findings), func(a, b int) { out.Findings[a], out.Findings[b] = out.Findings[b], out.Findings[a] })
	return &out
}

// perEntity renders everything Output says about each entity, by ID.
func perEntity(t *testing.T, out *Output) map[string]string {
	m := map[string]string{}
	for i, r := range out.Entities {
		var b bytes.Buffer
		j, _ := json.Marshal(r)
		b.Write(j)
		for _, mat := range []*Matrix{&out.Raw, &out.Normalised, &out.Scores, &out.Contributions} {
			for c := range mat.Cols {
				b.Write(appendNum(nil, mat.At(i, c)))
				b.WriteByte(',')
			}
		}
		ex, err := json.Marshal(out.Explain(i))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(ex)
		m[r.ID] = b.String()
	}
	return m
}

func TestShuffleInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	inputs := []*Input{Synth(400, 16, 4, 3), ratedInput()}
	for trial := 0; trial < 20; trial++ {
		inputs = append(inputs, randomInput(rng))
	}
	for k, in := range inputs {
		in.Options = Options{Draws: 40, Seed: 9, Sensitivity: true, AltNormalisation: k%2 == 0, AltAggregation: k%3 == 0}
		a, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Compute(shuffled(in, rng))
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := perEntity(t, a), perEntity(t, b)
		for id, s := range pa {
			if pb[id] != s {
				t.Fatalf("input %d entity %s: shuffled input gives\n%s\nwant\n%s", k, id, pb[id], s)
			}
		}
		ja, _ := json.Marshal(a.Sensitivity)
		jb, _ := json.Marshal(b.Sensitivity)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("input %d: sensitivity differs after shuffling: %s vs %s", k, jb, ja)
		}
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	in := Synth(1500, 20, 5, 21)
	var first []byte
	for _, w := range []int{1, 2, 3, 8} {
		in.Options = Options{Draws: 40, Seed: 77, AltNormalisation: true, AltAggregation: true, Sensitivity: true, Workers: w}
		out, err := Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = j
			continue
		}
		if !bytes.Equal(j, first) {
			t.Fatalf("workers %d: output differs from workers 1", w)
		}
	}
}

func TestMonteCarloIntervals(t *testing.T) {
	in := Synth(500, 16, 2, 4)
	in.Options = Options{Draws: 200, Seed: 1}
	out, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	wide := 0
	for _, r := range out.Entities {
		if !(r.RankP05 <= r.RankP50 && r.RankP50 <= r.RankP95) {
			t.Fatalf("%s: got p05 %d p50 %d p95 %d, want ordered", r.ID, r.RankP05, r.RankP50, r.RankP95)
		}
		if r.RankP95 > r.RankP05 {
			wide++
		}
	}
	if wide == 0 {
		t.Fatal("got no entity with a rank interval wider than one rank, want some under ±20 % weights")
	}
	in.Options.Draws = 0
	out, _ = Compute(in)
	for _, r := range out.Entities {
		if r.RankP05 != r.Rank || r.RankP95 != r.Rank || r.RankP50 != r.Rank {
			t.Fatalf("%s without draws: got %d/%d/%d, want rank %d", r.ID, r.RankP05, r.RankP50, r.RankP95, r.Rank)
		}
	}
}

// flatScheme is one dimension of one min-max leaf "A" with cadre grading.
func flatScheme() *Scheme {
	return &Scheme{
		Indicators: []Indicator{{Code: "D", Kind: KindDimension, Weight: 1}, {Code: "A", Parent: "D", Weight: 1}},
		Grading: Grading{
			Bands:  []Band{{"优秀", 90}, {"称职", 60}, {"基本称职", 40}, {"不称职", -1e9}},
			Quotas: []Quota{{Grade: "优秀", Share: 0.2}},
		},
	}
}

func computeValues(t *testing.T, s *Scheme, vals []float64) *Output {
	t.Helper()
	ents := make([]Entity, len(vals))
	for i := range ents {
		ents[i] = Entity{ID: fmt.Sprintf("e%02d", i), Group: "g"}
	}
	in, err := NewInput(s, ents)
	if err != nil {
		t.Fatal(err)
	}
	copy(in.Values.Col(0), vals)
	out, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTiesShareSmallestRank(t *testing.T) {
	out := computeValues(t, flatScheme(), []float64{10, 10, 5, 0, 5})
	var got []int
	for _, r := range out.Entities {
		got = append(got, r.Rank)
	}
	if want := []int{1, 1, 3, 5, 3}; !slices.Equal(got, want) {
		t.Fatalf("ranks: got %v, want %v", got, want)
	}
}

func TestQuotasNeverExceeded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(40)
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = float64(90 + rng.IntN(4)) // many ties, all in the top band
		}
		s := flatScheme()
		s.Indicators[1].Normalise = Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(100)}
		rounding := []Rounding{Floor, Round, Ceil}[rng.IntN(3)]
		s.Grading.Quotas[0].Rounding = rounding
		out := computeValues(t, s, vals)
		top := 0
		for _, r := range out.Entities {
			if r.Grade == "优秀" {
				top++
			}
		}
		if limit := quotaLimit(s.Grading.Quotas[0], n); top > limit {
			t.Fatalf("trial %d (n %d, %s): got %d 优秀, want at most %d", trial, n, rounding, top, limit)
		}
	}
}

func TestQuotaTieBlock(t *testing.T) {
	// 10 entities, 优秀 ≤ 20 % → 2 places. Scores 100, 95, 95, 95 …: the first
	// takes one place; the three tied at 95 do not fit in the one left, so
	// none of them is 优秀 (documented rule), all flagged quota.
	s := flatScheme()
	s.Indicators[1].Normalise = Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(100)}
	out := computeValues(t, s, []float64{100, 95, 95, 95, 70, 70, 70, 50, 50, 30})
	var got []string
	for _, r := range out.Entities {
		got = append(got, r.Grade)
	}
	want := []string{"优秀", "称职", "称职", "称职", "称职", "称职", "称职", "基本称职", "基本称职", "不称职"}
	if !slices.Equal(got, want) {
		t.Fatalf("grades: got %v, want %v", got, want)
	}
	if !slices.Contains(out.Entities[1].Flags, FlagQuota) {
		t.Fatalf("flags: got %v, want quota", out.Entities[1].Flags)
	}
}

// ratedInput is a small cadre input with ratings, votes, findings, a veto
// and a sanction.
func ratedInput() *Input {
	s := &Scheme{
		Indicators: []Indicator{
			{Code: "WORK", Kind: KindDimension, Weight: 0.6},
			{Code: "GDP", Parent: "WORK", Weight: 1, Normalise: Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(10)}},
			{Code: "EVAL", Kind: KindDimension, Weight: 0.4},
			{Code: "RATE", Parent: "EVAL", Kind: KindQualitative, Weight: 1, Normalise: Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(100)}},
			{Code: "BAD", Parent: "EVAL", Kind: KindQualitative, Weight: 0, Direction: Lower,
				Rating: RatingSpec{Source: FromVotes, Share: []string{"不称职"}}, Normalise: Normalisation{Method: Goalposts, Low: ptr(0), High: ptr(1)}},
			{Code: "DED", Kind: KindDeduction, Cap: 5},
			{Code: "VETO", Kind: KindVeto},
		},
		Rating: RatingPolicy{
			Groups:       []RaterGroup{{Code: "上级", Weight: 0.6}, {Code: "下级", Weight: 0.4}},
			MinGroupSize: 2,
			Grades:       []GradePoint{{"优秀", 100}, {"称职", 80}, {"基本称职", 60}, {"不称职", 0}},
		},
		Grading: Grading{
			Bands:        []Band{{"优秀", 80}, {"称职", 60}, {"基本称职", 40}, {"不称职", -1e9}},
			Blocks:       []Block{{When: BlockVeto}, {When: BlockSanction}, {When: BlockAbove, Indicator: "BAD", Above: 1.0 / 3}},
			NoGrade:      "不定等次",
			NoGradeFlags: []string{"new_post"},
		},
	}
	ents := []Entity{
		{ID: "a", Group: "g"}, {ID: "b", Group: "g"}, {ID: "c", Group: "g", Sanction: true},
		{ID: "d", Group: "g"}, {ID: "e", Group: "g", Flags: []string{"new_post"}},
	}
	in, _ := NewInput(s, ents)
	for id, v := range map[string]float64{"a": 10, "b": 10, "c": 10, "d": 10, "e": 10} {
		_ = in.Set(id, "GDP", v)
	}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		for _, sc := range []float64{90, 95, 100} {
			in.Ratings = append(in.Ratings, Rating{Entity: id, Indicator: "RATE", Group: "上级", Score: sc})
		}
		in.Ratings = append(in.Ratings, Rating{Entity: id, Indicator: "RATE", Group: "下级", Score: 50}) // 1 rater < 2
		in.Ratings = append(in.Ratings,
			Rating{Entity: id, Indicator: "BAD", Group: "上级", Grade: "称职", Count: 2},
			Rating{Entity: id, Indicator: "BAD", Group: "下级", Grade: "称职", Count: 3})
	}
	// d: 不称职 votes 上级 2 of 4, 下级 1 of 4 → (0.6·0.5 + 0.4·0.25) = 0.4 > 1/3.
	in.Ratings = append(in.Ratings,
		Rating{Entity: "d", Indicator: "BAD", Group: "上级", Grade: "不称职", Count: 2},
		Rating{Entity: "d", Indicator: "BAD", Group: "下级", Grade: "不称职", Count: 1})
	in.Findings = []Finding{
		{ID: "F1", Entity: "a", Indicator: "DED", Points: 3, Note: "整改不力"},
		{ID: "F2", Entity: "a", Indicator: "DED", Points: 4, Status: Exempted, Note: "容错"},
		{ID: "F3", Entity: "a", Indicator: "DED", Points: 4, Status: Voided, Note: "澄清"},
		{ID: "F4", Entity: "b", Indicator: "DED", Points: 4},
		{ID: "F5", Entity: "b", Indicator: "DED", Points: 4},
		{ID: "F6", Entity: "b", Indicator: "VETO", Points: 0},
	}
	return in
}

func TestRatedScenario(t *testing.T) {
	out, err := Compute(ratedInput())
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*Result{}
	for i := range out.Entities {
		by[out.Entities[i].ID] = &out.Entities[i]
	}
	// RATE = trimmed mean of 上级 (90, 95, 100) = 95 (下级 has 1 rater < 2,
	// excluded); base = 0.6·100 + 0.4·95 = 98 (BAD has weight 0).
	if got := by["e"].Base; !near(got, 98, 1e-9) {
		t.Errorf("base: got %g, want 98", got)
	}
	if !slices.Contains(by["e"].Flags, FlagRaterGroupExcluded) {
		t.Errorf("flags of e: got %v, want rater_group_excluded", by["e"].Flags)
	}
	tests := []struct {
		id, grade string
		total     float64
		flag      string
	}{
		{"a", "优秀", 95, ""},            // 3 active points; exempted and voided count 0
		{"b", "称职", 93, FlagVeto},      // 8 points capped at 5; veto bars 优秀
		{"c", "称职", 98, FlagBarred},    // sanction bars 优秀
		{"d", "称职", 98, FlagBarred},    // 不称职 share 0.4 > 1/3 bars 优秀
		{"e", "不定等次", 98, FlagNoGrade}, // preset flag in no_grade_flags
	}
	for _, tc := range tests {
		r := by[tc.id]
		if r.Grade != tc.grade || !near(r.Total, tc.total, 1e-9) {
			t.Errorf("%s: got grade %s total %g, want %s %g", tc.id, r.Grade, r.Total, tc.grade, tc.total)
		}
		if tc.flag != "" && !slices.Contains(r.Flags, tc.flag) {
			t.Errorf("%s: got flags %v, want %s", tc.id, r.Flags, tc.flag)
		}
	}
	// a's explanation lists all three findings, two with zero effect.
	ex := out.Explain(0)
	var fl []string
	for _, it := range ex.Items {
		if it.Kind == string(LineFinding) {
			fl = append(fl, fmt.Sprintf("%s:%s:%g", it.Finding, it.Status, it.Contribution))
		}
	}
	if want := []string{"F1:active:-3", "F2:exempted:0", "F3:voided:0"}; !slices.Equal(fl, want) {
		t.Errorf("finding lines: got %v, want %v", fl, want)
	}
	// Ranks: c, d, e tie at 98 → 1; a 95 → 4; b 93 → 5.
	for id, want := range map[string]int{"c": 1, "d": 1, "e": 1, "a": 4, "b": 5} {
		if by[id].Rank != want {
			t.Errorf("%s: rank got %d, want %d", id, by[id].Rank, want)
		}
	}
	// The rater groups that counted, per entity and leaf: RATE's 下级 (one
	// rater, below the minimum of 2) is never shown; d's BAD groups give
	// their shares of 不称职 votes, 上级 2 of 4 and 下级 1 of 4.
	var d []string
	for _, g := range out.RaterGroups {
		if g.Leaf == "RATE" && g.Group == "下级" {
			t.Errorf("a group below the minimum size was shown: %+v", g)
		}
		if out.Entities[g.Row].ID == "d" {
			d = append(d, fmt.Sprintf("%s:%s:%g:%g", g.Leaf, g.Group, g.Raters, g.Value))
		}
	}
	if want := []string{"RATE:上级:3:95", "BAD:上级:4:0.5", "BAD:下级:4:0.25"}; !slices.Equal(d, want) {
		t.Errorf("rater groups of d: got %v, want %v", d, want)
	}
}

func TestComputeInputErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(in *Input)
		want   string
	}{
		{"duplicate entity", func(in *Input) { in.Entities[1].ID = "a" }, `duplicate entity "a"`},
		{"unknown rating indicator", func(in *Input) { in.Ratings[0].Indicator = "GDP" }, `not a qualitative indicator`},
		{"unknown rater group", func(in *Input) { in.Ratings[0].Group = "群众" }, `unknown rater group "群众"`},
		{"finding on a leaf", func(in *Input) { in.Findings[0].Indicator = "GDP" }, `findings apply to bonus, deduction and veto items`},
		{"negative points", func(in *Input) { in.Findings[0].Points = -1 }, `points: must be a non-negative number`},
		{"bad status", func(in *Input) { in.Findings[0].Status = "closed" }, `unknown status "closed"`},
		{"infinite value", func(in *Input) { in.Values.Set(0, 0, math.Inf(1)) }, `must be a finite number`},
		{"unknown column", func(in *Input) { in.Values.Cols = append([]string{"NOPE"}, in.Values.Cols[1:]...) }, `unknown indicator`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ratedInput()
			tc.change(in)
			_, err := Compute(in)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
