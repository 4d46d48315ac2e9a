package analysis

import (
	"math"
	"runtime"
	"sync"
)

// Matrix holds the values the analysis computes over: for each cycle of
// the span (oldest first) and each indicator, the normalised and raw value
// of each unit, NaN where a unit has none. Norm and Raw are flat:
// index (c*Indicators + i)*Units + u.
type Matrix struct {
	Cycles, Indicators, Units int
	Norm, Raw                 []float64
	// Median is the category median of each indicator's normalised score
	// over the whole cycle (every unit the cycle assesses in the
	// category, not only those of the jurisdiction), index c*Indicators+i;
	// NaN when the snapshot has none.
	Median []float64
	// Target is an indicator's target raw value in a cycle (index
	// c*Indicators+i), NaN when its scheme sets none; Lower marks an
	// indicator (index i) whose lower raw values are better.
	Target []float64
	Lower  []bool
}

// NewMatrix returns a Matrix of the given size with every value missing.
func NewMatrix(cycles, indicators, units int) *Matrix {
	m := &Matrix{Cycles: cycles, Indicators: indicators, Units: units,
		Norm: nanSlice(cycles * indicators * units), Raw: nanSlice(cycles * indicators * units),
		Median: nanSlice(cycles * indicators), Target: nanSlice(cycles * indicators), Lower: make([]bool, indicators)}
	return m
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// at returns the index of unit u's value of indicator i in cycle c.
func (m *Matrix) at(c, i, u int) int { return (c*m.Indicators+i)*m.Units + u }

// Weak reports whether unit u is weak on indicator i in cycle c: it has a
// value, and the value is below the category median or short of the
// target. ok is false when the unit has no value.
func (m *Matrix) Weak(c, i, u int) (weak, ok bool) {
	k := m.at(c, i, u)
	v := m.Norm[k]
	if math.IsNaN(v) {
		return false, false
	}
	if med := m.Median[c*m.Indicators+i]; v < med {
		return true, true
	}
	if t := m.Target[c*m.Indicators+i]; !math.IsNaN(t) && !math.IsNaN(m.Raw[k]) {
		if m.Lower[i] {
			return m.Raw[k] > t, true
		}
		return m.Raw[k] < t, true
	}
	return false, true
}

// Box is the distribution of one indicator's normalised scores across
// units in one cycle. When N is below the minimum cell size the figures
// are withheld (Suppressed) and NaN.
type Box struct {
	N                        int
	Min, Q1, Median, Q3, Max float64
	// Weak counts the units below the category median or short of the
	// target; Share is Weak/N.
	Weak       int
	Share      float64
	Suppressed bool
}

// Stat is what the analysis finds for one indicator over the span.
type Stat struct {
	// Indicator is the indicator's index in the Matrix.
	Indicator int
	// Boxes are per cycle, oldest first.
	Boxes []Box
	// Tracked counts the units with a value in at least two cycles;
	// Persistent those of them weak in every cycle they have a value.
	Tracked, Persistent int
	// Common is the mean share of weak units over the cycles not
	// suppressed; PersistentShare is Persistent/Tracked. Both NaN when
	// withheld.
	Common, PersistentShare float64
}

// Compute computes the statistics of every indicator of m, withholding
// any figure over fewer than minCell units. It is a pure function; the
// indicators are computed in parallel.
func Compute(m *Matrix, minCell int) []Stat {
	out := make([]Stat, m.Indicators)
	workers := min(runtime.GOMAXPROCS(0), max(m.Indicators, 1))
	next := make(chan int, m.Indicators)
	for i := range m.Indicators {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]float64, 0, m.Units)
			weak := make([]int, m.Units)
			seen := make([]int, m.Units)
			for i := range next {
				out[i] = indicatorStat(m, i, minCell, buf, weak, seen)
			}
		}()
	}
	wg.Wait()
	return out
}

// indicatorStat computes the Stat of indicator i with scratch buffers.
func indicatorStat(m *Matrix, i, minCell int, buf []float64, weak, seen []int) Stat {
	st := Stat{Indicator: i, Boxes: make([]Box, m.Cycles)}
	clear(weak)
	clear(seen)
	var shares float64
	var counted int
	for c := range m.Cycles {
		buf = buf[:0]
		b := &st.Boxes[c]
		base := m.at(c, i, 0)
		norm, raw := m.Norm[base:base+m.Units], m.Raw[base:base+m.Units]
		med, target := m.Median[c*m.Indicators+i], m.Target[c*m.Indicators+i]
		hasTarget, lower := !math.IsNaN(target), m.Lower[i]
		for u, v := range norm {
			if v != v { // NaN: no value
				continue
			}
			buf = append(buf, v)
			seen[u]++
			// The same test as Weak, inlined for the budget.
			w := v < med
			if !w && hasTarget {
				if x := raw[u]; x == x {
					w = (lower && x > target) || (!lower && x < target)
				}
			}
			if w {
				weak[u]++
				b.Weak++
			}
		}
		b.N = len(buf)
		if b.N < max(minCell, 1) {
			*b = Box{N: b.N, Suppressed: true, Min: math.NaN(), Q1: math.NaN(), Median: math.NaN(), Q3: math.NaN(),
				Max: math.NaN(), Share: math.NaN()}
			continue
		}
		b.Min, b.Q1, b.Median, b.Q3, b.Max = quartiles(buf)
		b.Share = float64(b.Weak) / float64(b.N)
		shares += b.Share
		counted++
	}
	for u := range m.Units {
		if seen[u] >= 2 {
			st.Tracked++
			if weak[u] == seen[u] {
				st.Persistent++
			}
		}
	}
	st.Common, st.PersistentShare = math.NaN(), math.NaN()
	if counted > 0 {
		st.Common = shares / float64(counted)
	}
	if st.Tracked >= max(minCell, 1) {
		st.PersistentShare = float64(st.Persistent) / float64(st.Tracked)
	} else {
		st.Tracked, st.Persistent = 0, 0
	}
	return st
}
