package score

import (
	"testing"
)

func TestWinsoriseCOINr(t *testing.T) {
	// COINr tests/testthat/test-treat.R "treat_num": x = c(1:10, 100) fails
	// check_SkewKurt; after winsorise (winmax = 5) the 100 becomes 10, the
	// rest is unchanged, and the vector passes.
	x := append(seq(1, 10), 100)
	if passesSkewKurt(x) {
		t.Fatal("c(1:10, 100): got pass, want fail")
	}
	treated := make([]bool, len(x))
	if n := winsorise(x, treated); n != 1 {
		t.Errorf("points winsorised: got %d, want 1", n)
	}
	if x[10] != 10 || !treated[10] {
		t.Errorf("x[11]: got %g (treated %v), want 10 (treated)", x[10], treated[10])
	}
	for i := 0; i < 10; i++ {
		if x[i] != float64(i+1) || treated[i] {
			t.Errorf("x[%d]: got %g, want %d untreated", i+1, x[i], i+1)
		}
	}
	if !passesSkewKurt(x) {
		t.Error("after winsorising: got fail, want pass")
	}
}

func TestWinsoriseLimit(t *testing.T) {
	// COINr test-treat.R: x = c(1:20, 100, 200) winsorised with winmax = 1
	// still fails. With the default winmax = 5 both outliers go and it passes.
	x := append(seq(1, 20), 100, 200)
	if passesSkewKurt(x) {
		t.Fatal("got pass, want fail")
	}
	winsorise(x, nil)
	if x[20] != 20 || x[21] != 20 {
		t.Errorf("outliers: got %g, %g, want 20, 20", x[20], x[21])
	}
	if !passesSkewKurt(x) {
		t.Error("after winsorising: got fail, want pass")
	}
}

func TestWinsoriseLowSide(t *testing.T) {
	// COINr test-treat.R "treat_df" column c(1:10, -100): negative skew, so
	// the lowest point is winsorised (to the next lowest, 1).
	x := append(seq(1, 10), -100)
	winsorise(x, nil)
	if x[10] != 1 {
		t.Errorf("x[11]: got %g, want 1", x[10])
	}
}

func TestSkewKurtExcel(t *testing.T) {
	// COINr skew()/kurt() are e1071 type 2 = Excel SKEW/KURT. For 1..5 both
	// the skewness is 0 and the kurtosis is −1.2 (Excel KURT(1,2,3,4,5)).
	s, k := skewKurt(seq(1, 5))
	if !near(s, 0, 1e-12) || !near(k, -1.2, 1e-12) {
		t.Errorf("got skew %g kurt %g, want 0 and -1.2", s, k)
	}
}
