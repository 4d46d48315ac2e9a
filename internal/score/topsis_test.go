package score

import "testing"

func TestTOPSIS(t *testing.T) {
	tests := []struct {
		name   string
		matrix [][]float64
		w      []float64
		cost   []bool
		norm   topsisNorm
		want   []float64
		tol    float64
	}{
		{
			// kotbaton/pymcdm test/test_mcdm.py TestTOPSIS (Opricovic & Tzeng
			// 2004), min-max normalisation (pymcdm's default): [0.500, 0.617, 0.500].
			name:   "pymcdm Opricovic 2004",
			matrix: [][]float64{{1, 3000}, {2, 3750}, {5, 4500}},
			w:      []float64{0.5, 0.5}, cost: []bool{true, false}, norm: topsisMinMax,
			want: []float64{0.500, 0.617, 0.500}, tol: 5e-4,
		},
		{
			// energyinpython/pyrepo-mcda tests/test_mcda_methods.py test_topsis
			// (Ersoy 2021), vector normalisation, compared at 2 places.
			name: "pyrepo-mcda Ersoy 2021",
			matrix: [][]float64{
				{256, 8, 41, 1.6, 1.77, 7347.16}, {256, 8, 32, 1.0, 1.8, 6919.99}, {256, 8, 53, 1.6, 1.9, 8400},
				{256, 8, 41, 1.0, 1.75, 6808.9}, {512, 8, 35, 1.6, 1.7, 8479.99}, {256, 4, 35, 1.6, 1.7, 7499.99},
			},
			w:    []float64{0.405, 0.221, 0.134, 0.199, 0.007, 0.034},
			cost: []bool{false, false, false, false, true, true}, norm: topsisVector,
			want: []float64{0.308, 0.254, 0.327, 0.263, 0.857, 0.192}, tol: 5e-3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkSlice(t, "closeness", topsis(columns(tc.matrix), tc.w, tc.cost, tc.norm), tc.want, tc.tol)
		})
	}
}
