package track

import (
	"fmt"
	"strconv"
)

// Method is how a monitor spreads a year's target over its periods.
type Method string

// The methods.
const (
	// Linear expects the target × the share of the year's periods elapsed.
	Linear Method = "linear"
	// Seasonal expects the target × the share of last year's total that the
	// unit had reached by the same period.
	Seasonal Method = "seasonal"
)

// Valid reports whether m is a known method.
func (m Method) Valid() bool { return m == Linear || m == Seasonal }

// Light is the status of a monitored indicator.
type Light string

// The lights. A value at or above its trajectory is green; below it by
// less than YellowBand of the expected value yellow; further below red.
const (
	LightNone   Light = "none" // no value yet this year
	LightGreen  Light = "green"
	LightYellow Light = "yellow"
	LightRed    Light = "red"
)

// YellowBand is how far below its trajectory, as a share of the expected
// value, an indicator is yellow rather than red
// (docs/decisions/0142-monitoring.md).
const YellowBand = 0.05

// lagging reports whether l raises an alert.
func (l Light) lagging() bool { return l == LightYellow || l == LightRed }

// worse reports whether l is worse than m.
func (l Light) worse(m Light) bool {
	return l == LightRed && m != LightRed || l == LightYellow && !m.lagging()
}

// periodIndex returns the position of period p in its year — the month
// (1–12) of 'YYYY-MM' or the quarter (1–4) of 'YYYYQn' — and the number of
// periods of the year; ok false for any other period.
func periodIndex(p string) (k, n int, ok bool) {
	switch {
	case len(p) == 7 && p[4] == '-':
		m, err := strconv.Atoi(p[5:])
		return m, 12, err == nil && m >= 1 && m <= 12
	case len(p) == 6 && p[4] == 'Q':
		q, err := strconv.Atoi(p[5:])
		return q, 4, err == nil && q >= 1 && q <= 4
	}
	return 0, 0, false
}

// profileOf returns the seasonal profile of last year's year-to-date
// values by period: the share of the year's total reached by each period,
// from the first. Every period must have a value and the total must be
// positive.
func profileOf(values map[string]float64, year int, n int) ([]float64, error) {
	out := make([]float64, n)
	total := values[periodName(year, n, n)]
	if total <= 0 {
		return nil, fmt.Errorf("no positive total for %d", year)
	}
	for k := 1; k <= n; k++ {
		v, ok := values[periodName(year, k, n)]
		if !ok {
			return nil, fmt.Errorf("no value for %s", periodName(year, k, n))
		}
		out[k-1] = v / total
	}
	return out, nil
}

// periodName returns the name of period k of n in year.
func periodName(year, k, n int) string {
	if n == 4 {
		return fmt.Sprintf("%dQ%d", year, k)
	}
	return fmt.Sprintf("%d-%02d", year, k)
}

// expected returns the value a monitor's trajectory expects by period k of
// n.
func expected(m Method, target float64, profile []float64, k, n int) float64 {
	if m == Seasonal && len(profile) == n {
		return target * profile[k-1]
	}
	return target * float64(k) / float64(n)
}

// judge returns the light of value against want and its gap (value −
// want).
func judge(value, want float64) (Light, float64) {
	gap := value - want
	switch {
	case gap >= 0:
		return LightGreen, gap
	case -gap < YellowBand*abs(want):
		return LightYellow, gap
	}
	return LightRed, gap
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
