package score

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Synth returns a synthetic but realistic input for benchmarks and for
// generating test files: a cadre scheme with dimensions of about eight
// leaves each (every fourth leaf lower-is-better, some winsorised, some
// imputed by the group mean, the rest excluded when missing), category
// overrides of the expert weights, 优秀 limited to 20 % per group, and
// entities spread over groups G01, G02, … with about 2 % of values
// missing and 0.5 % sanctioned. The same arguments give the same input.
func Synth(entities, indicators, groups int, seed uint64) *Input {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	entities, indicators, groups = max(entities, 1), max(indicators, 1), max(groups, 1)
	nd := max(1, (indicators+7)/8)
	s := &Scheme{Code: "synth", Name: "合成考核方案", Version: "1"}
	for d := 0; d < nd; d++ {
		s.Indicators = append(s.Indicators, Indicator{
			Code: fmt.Sprintf("D%d", d+1), Name: fmt.Sprintf("维度%d", d+1), Kind: KindDimension,
			Weight: float64(1 + d%3),
		})
	}
	for j := 0; j < indicators; j++ {
		ind := Indicator{
			Code:   fmt.Sprintf("I%02d", j+1),
			Name:   fmt.Sprintf("指标%d", j+1),
			Parent: fmt.Sprintf("D%d", j%nd+1),
			Kind:   KindQuantitative,
			Weight: float64(1 + j%4),
		}
		if j%4 == 3 {
			ind.Direction = Lower
		}
		if j%5 == 0 {
			ind.Winsorise = true
		}
		if j%6 == 0 {
			ind.Missing = MissingMean
		}
		if j%10 == 1 {
			ind.Weights = map[string]float64{"G01": 2 * ind.Weight}
		}
		s.Indicators = append(s.Indicators, ind)
	}
	s.MinAvailable = 0.5
	s.Grading = Grading{
		Bands:        []Band{{"优秀", 75}, {"称职", 55}, {"基本称职", 40}, {"不称职", -1e9}},
		Quotas:       []Quota{{Grade: "优秀", Share: 0.2, Rounding: Floor}},
		Blocks:       []Block{{When: BlockVeto}, {When: BlockSanction}},
		NoGrade:      DefaultNoGrade,
		NoGradeFlags: []string{FlagInsufficientData},
	}

	ents := make([]Entity, entities)
	for i := range ents {
		ents[i] = Entity{
			ID:       fmt.Sprintf("E%07d", i+1),
			Name:     fmt.Sprintf("单位%d", i+1),
			Group:    fmt.Sprintf("G%02d", i%groups+1),
			Sanction: rng.Float64() < 0.005,
		}
	}
	in, _ := NewInput(s, ents)
	for j := 0; j < indicators; j++ {
		col := in.Values.Col(j)
		mu, sd := 50+10*rng.Float64(), 5+10*rng.Float64()
		skewed := j%5 == 0
		for i := range col {
			if rng.Float64() < 0.02 {
				continue // missing
			}
			v := mu + sd*rng.NormFloat64()
			if skewed && rng.Float64() < 0.002 {
				v += 20 * sd // an outlier
			}
			col[i] = math.Round(v*100) / 100
		}
	}
	return in
}
