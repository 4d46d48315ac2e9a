package score

import (
	"math"
	"testing"
)

func TestEntropyWeights(t *testing.T) {
	tests := []struct {
		name   string
		source string
		matrix [][]float64
		want   []float64
		tol    float64
	}{
		{
			// kotbaton/pymcdm test/test_weights.py TestEntropyWeights (Elsayed et
			// al. 2017), rounded to 6 places.
			name: "pymcdm Elsayed 2017",
			matrix: [][]float64{
				{7, 312, 1891, 6613, 163}, {72, 88, 728, 941804, 1078}, {10, 252, 2594, 3466, 117471},
				{10, 145, 980, 2371, 86329}, {65, 54, 350, 501, 29897}, {29, 48, 380, 912, 34051},
				{7, 476, 3300, 78470, 2212}, {70, 87, 650, 733, 819000}, {4, 86, 591, 3015, 103},
				{12, 79, 579, 3240, 96098}, {21, 45, 261, 1253, 453}, {1, 72, 530, 4333, 0.104800},
			},
			want: []float64{0.104991, 0.069124, 0.071373, 0.449937, 0.304575}, tol: 5e-7,
		},
		{
			// energyinpython/pyrepo-mcda tests/test_weighting_methods.py
			// test_Entropy (Xu 2004), rounded to 4 places.
			name:   "pyrepo-mcda Xu 2004",
			matrix: [][]float64{{30, 30, 38, 29}, {19, 54, 86, 29}, {19, 15, 85, 28.9}, {68, 70, 60, 29}},
			want:   []float64{0.4630, 0.3992, 0.1378, 0.0000}, tol: 5e-5,
		},
		{
			// Same file, test_Entropy2 (Zavadskas & Podvezko 2016).
			name:   "pyrepo-mcda Zavadskas 2016",
			matrix: [][]float64{{3.0, 100, 10, 7}, {2.5, 80, 8, 5}, {1.8, 50, 20, 11}, {2.2, 70, 12, 9}},
			want:   []float64{0.1146, 0.1981, 0.4185, 0.2689}, tol: 5e-5,
		},
		{
			// Same file, test_Entropy3 (Ersoy 2021), rounded to 3 places.
			name: "pyrepo-mcda Ersoy 2021",
			matrix: [][]float64{
				{256, 8, 41, 1.6, 1.77, 7347.16}, {256, 8, 32, 1.0, 1.8, 6919.99}, {256, 8, 53, 1.6, 1.9, 8400},
				{256, 8, 41, 1.0, 1.75, 6808.9}, {512, 8, 35, 1.6, 1.7, 8479.99}, {256, 4, 35, 1.6, 1.7, 7499.99},
			},
			want: []float64{0.405, 0.221, 0.134, 0.199, 0.007, 0.034}, tol: 5e-4,
		},
		{
			// Same file, test_Entropy4 (Lee & Chang 2018).
			name: "pyrepo-mcda Lee 2018",
			matrix: [][]float64{
				{4550, 30, 6.74, 20, 15, 5, 85, 150, 0.87, 4.76},
				{3005, 60.86, 2.4, 35, 27, 4, 26, 200, 0.17, 4.51},
				{2040, 14.85, 1.7, 90, 25, 5, 26, 500, 0.27, 4.19},
				{3370, 99.4, 3.25, 25.3, 54, 3, 45, 222, 0.21, 3.78},
				{3920, 112.6, 4.93, 11.4, 71.7, 2, 50, 100, 0.25, 4.11},
			},
			want: []float64{0.026, 0.154, 0.089, 0.199, 0.115, 0.04, 0.08, 0.123, 0.172, 0.002}, tol: 5e-4,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkSlice(t, "w", entropyWeights(columns(tc.matrix)), tc.want, tc.tol)
		})
	}
}

func TestCRITICWeights(t *testing.T) {
	// kotbaton/pymcdm test/test_weights.py TestCRITICWeights and
	// energyinpython/pyrepo-mcda tests/test_weighting_methods.py test_critic
	// (Tuş & Adalı 2019), rounded to 3 places.
	m := [][]float64{{5000, 3, 3, 4, 3, 2}, {680, 5, 3, 2, 2, 1}, {2000, 3, 2, 3, 4, 3}, {600, 4, 3, 1, 2, 2}, {800, 2, 4, 3, 3, 4}}
	checkSlice(t, "w", criticWeights(columns(m)), []float64{0.157, 0.249, 0.168, 0.121, 0.154, 0.151}, 5e-4)
}

func TestEqualWeights(t *testing.T) {
	// kotbaton/pymcdm test/test_weights.py TestEqualWeights: 4 criteria → 0.25 each.
	checkSlice(t, "w", equalWeights(4), []float64{0.25, 0.25, 0.25, 0.25}, 0)
}

func TestWeightsDegenerate(t *testing.T) {
	// All-constant columns carry no information: equal weights.
	cols := [][]float64{{1, 1, 1}, {2, 2, 2}}
	checkSlice(t, "entropy", entropyWeights(cols), []float64{0.5, 0.5}, 1e-12)
	checkSlice(t, "critic", criticWeights(cols), []float64{0.5, 0.5}, 1e-12)
	for _, w := range criticWeights([][]float64{{1, 2, 3}, {1, 1, 1}}) {
		if math.IsNaN(w) {
			t.Fatal("critic with a constant column: got NaN")
		}
	}
}
