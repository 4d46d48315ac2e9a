package score

import (
	"math"
	"testing"
)

// near reports whether got and want agree within tol.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func checkSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d values %v", name, len(got), got, len(want), want)
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d]: got %.6g, want %.6g (±%g); all got %v", name, i, got[i], want[i], tol, got)
		}
	}
}

// columns turns a row-major matrix into columns.
func columns(rows [][]float64) [][]float64 {
	cols := make([][]float64, len(rows[0]))
	for j := range cols {
		cols[j] = make([]float64, len(rows))
		for i := range rows {
			cols[j][i] = rows[i][j]
		}
	}
	return cols
}

func ptr(v float64) *float64 { return &v }

func seq(lo, hi float64) []float64 {
	var x []float64
	for v := lo; v <= hi; v++ {
		x = append(x, v)
	}
	return x
}
