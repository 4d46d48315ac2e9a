package score

import (
	"cmp"
	"slices"
)

// sortedKeys returns the keys of a map in ascending order, so that nothing
// depends on map iteration order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func isNaN(x float64) bool { return x != x }
