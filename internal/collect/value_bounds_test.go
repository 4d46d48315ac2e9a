package collect

import "testing"

// TestValueBounds checks the bounds every value keeps: ±MaxMagnitude for
// any item, ±MaxPercent for a percent item that sets no bound of its own.
func TestValueBounds(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	percent := Item{Type: TypePercent}
	wide := Item{Type: TypePercent, Max: f(5000)}
	number := Item{Type: TypeNumber}
	count := Item{Type: TypeInteger, Min: f(0)}
	for _, c := range []struct {
		name string
		it   Item
		raw  string
		key  string // "" for accepted
	}{
		{"percent -1e300", percent, "-1e300", "collect.value.too_large"},
		{"percent -1001", percent, "-1001", "collect.value.below_min"},
		{"percent 1000.5", percent, "1000.5%", "collect.value.above_max"},
		{"percent growth 150", percent, "150", ""},
		{"percent fall -35", percent, "-35%", ""},
		{"percent with its own maximum", wide, "2000", ""},
		{"percent with its own maximum, below the default minimum", wide, "-1500", "collect.value.below_min"},
		{"number 1e300", number, "1e300", "collect.value.too_large"},
		{"number -1e16", number, "-1e16", "collect.value.too_large"},
		{"number 9.9e14", number, "9.9e14", ""},
		{"integer 1e16", count, "1e16", "collect.value.too_large"},
	} {
		_, err := c.it.ParseValue(c.raw)
		got := ""
		if err != nil {
			got = err.Key
		}
		if got != c.key {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.key)
		}
	}
}
