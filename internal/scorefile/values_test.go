package scorefile

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"kaohe/internal/score"
)

func testValuesReader() *valuesReader {
	return &valuesReader{
		file:       "values.csv",
		entities:   codes{"E1": 0, "E2": 1, "县委办": 2},
		indicators: codes{"I1": 0, "I2": 1},
		nEnt:       3,
		nInd:       2,
	}
}

func TestReadValues(t *testing.T) {
	tests := []struct {
		name string
		data string
		want map[[2]int]float64 // cells not listed are missing
	}{
		{"plain", "entity,indicator,value\nE1,I1,1.5\nE2,I2,-3\n", map[[2]int]float64{{0, 0}: 1.5, {1, 1}: -3}},
		{"crlf and spaces", "entity, indicator ,value\r\nE1 , I1, 2e3 \r\n\r\n", map[[2]int]float64{{0, 0}: 2000}},
		{"no final newline", "entity,indicator,value\nE1,I2,7", map[[2]int]float64{{0, 1}: 7}},
		{"empty value is missing", "entity,indicator,value\nE1,I1,\n", nil},
		{"chinese code", "entity,indicator,value\n县委办,I1,0.1\n", map[[2]int]float64{{2, 0}: 0.1}},
		{"quoted", "entity,indicator,value\n\"E1\",I1,\"4\"\n", map[[2]int]float64{{0, 0}: 4}},
		{"header only", "entity,indicator,value\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := score.NewMatrix(3, []string{"I1", "I2"})
			err := testValuesReader().read(&g, []byte(tt.data))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			for e := 0; e < 3; e++ {
				for i := 0; i < 2; i++ {
					want, ok := tt.want[[2]int{e, i}]
					got := g.At(e, i)
					if !ok && !math.IsNaN(got) || ok && got != want {
						t.Errorf("cell (%d,%d): got %v, want %v (present %v)", e, i, got, want, ok)
					}
				}
			}
		})
	}
}

func TestReadValuesErrors(t *testing.T) {
	const h = "entity,indicator,value\n"
	tests := []struct {
		name, data, want string
	}{
		{"wrong header", "entity,item,value\nE1,I1,1\n", `values.csv:1: header is "entity,item,value", want "entity,indicator,value"`},
		{"empty file", "", `values.csv:1: file is empty, want header "entity,indicator,value"`},
		{"not a number", h + "E1,I1,1\nE1,I2,abc\n", `values.csv:3: value "abc" is not a number (field value)`},
		{"nan", h + "E1,I1,NaN\n", `values.csv:2: value "NaN" is not a number (field value)`},
		{"inf", h + "E1,I1,1e999\n", `values.csv:2: value "1e999" is not a finite number (field value)`},
		{"unknown entity", h + "E9,I1,1\n", `values.csv:2: unknown entity "E9" (not in the entities file) (field entity)`},
		{"unknown indicator", h + "E1,I1,1\n\nE1,X,1\n", `values.csv:4: unknown indicator "X" (not a value indicator of the scheme) (field indicator)`},
		{"duplicate", h + "E1,I1,1\nE2,I1,1\nE1,I1,2\n", `values.csv:4: duplicate value for entity "E1" and indicator "I1" (first on line 2) (field indicator)`},
		{"duplicate missing", h + "E1,I1,\nE1,I1,\n", `values.csv:3: duplicate value for entity "E1" and indicator "I1" (first on line 2) (field indicator)`},
		{"too few fields", h + "E1,I1\n", `values.csv:2: has 2 fields, want 3 (entity,indicator,value)`},
		{"too many fields", h + "E1,I1,1,2\n", `values.csv:2: has 4 fields, want 3 (entity,indicator,value)`},
		{"one field", h + "E1\n", `values.csv:2: has 1 fields, want 3 (entity,indicator,value)`},
		{"empty entity", h + ",I1,1\n", `values.csv:2: entity is empty (field entity)`},
		{"quoted not a number", h + "\"E1\",I1,\"1,5\"\n", `values.csv:2: value "1,5" is not a number (field value)`},
		{"bad quote", h + "E1,I1,\"1\n", `values.csv:2: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := score.NewMatrix(3, []string{"I1", "I2"})
			err := testValuesReader().read(&g, []byte(tt.data))
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReadValuesParallel checks that the chunked parse finds the same
// values and reports the first error in file order with its true line.
func TestReadValuesParallel(t *testing.T) {
	const nEnt, nInd = 2000, 40
	vr := &valuesReader{file: "values.csv", entities: codes{}, indicators: codes{}, nEnt: nEnt, nInd: nInd, workers: 4}
	for e := range nEnt {
		vr.entities[fmt.Sprintf("E%05d", e)] = int32(e)
	}
	for i := range nInd {
		vr.indicators[fmt.Sprintf("I%02d", i)] = int32(i)
	}
	var b strings.Builder
	b.WriteString("entity,indicator,value\n")
	for e := range nEnt {
		for i := range nInd {
			fmt.Fprintf(&b, "E%05d,I%02d,%d.25\n", e, i, e*nInd+i)
		}
	}
	data := b.String()
	if len(data) < parallelMin {
		t.Fatalf("test data %d bytes, want at least %d to run in parallel", len(data), parallelMin)
	}
	g := score.NewMatrix(nEnt, make([]string, nInd))
	if err := vr.read(&g, []byte(data)); err != nil {
		t.Fatal(err)
	}
	for e := range nEnt {
		for i := range nInd {
			if got, want := g.At(e, i), float64(e*nInd+i)+0.25; got != want {
				t.Fatalf("cell (%d,%d): got %v, want %v", e, i, got, want)
			}
		}
	}
	// A duplicate late in the file of a row early in the file: the two
	// are in different chunks.
	bad := data + "E00000,I00,1\n"
	err := vr.read(&g, []byte(bad))
	want := fmt.Sprintf(`values.csv:%d: duplicate value for entity "E00000" and indicator "I00" (first on line 2) (field indicator)`, nEnt*nInd+2)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	// Errors in two chunks: the first in the file wins.
	lines := strings.SplitAfter(data, "\n")
	lines[10] = "E00000,I09,x\n"
	lines[len(lines)-10] = "E01999,I31,y\n"
	err = vr.read(&g, []byte(strings.Join(lines, "")))
	want = `values.csv:11: value "x" is not a number (field value)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestParseFloatNoAlloc(t *testing.T) {
	vr := testValuesReader()
	g := score.NewMatrix(3, []string{"I1", "I2"})
	seen := make([]uint64, 1)
	allocs := testing.AllocsPerRun(100, func() {
		clear(seen)
		if err := vr.set(&g, seen, 2, []byte("E2"), []byte("I2"), []byte("123.456e0"), 1, 1); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per value row, want 0", allocs)
	}
}

// BenchmarkReadValues parses a 100,000 × 40 long-form values file.
func BenchmarkReadValues(b *testing.B) {
	const nEnt, nInd = 100000, 40
	vr := &valuesReader{file: "values.csv", entities: codes{}, indicators: codes{}, nEnt: nEnt, nInd: nInd}
	for e := range nEnt {
		vr.entities[fmt.Sprintf("E%06d", e)] = int32(e)
	}
	for i := range nInd {
		vr.indicators[fmt.Sprintf("I%02d", i)] = int32(i)
	}
	var buf []byte
	buf = append(buf, "entity,indicator,value\n"...)
	for e := range nEnt {
		for i := range nInd {
			buf = fmt.Appendf(buf, "E%06d,I%02d,%.2f\n", e, i, float64((e*7919+i*104729)%10000)/100)
		}
	}
	b.SetBytes(int64(len(buf)))
	m := score.NewMatrix(nEnt, make([]string, nInd))
	for b.Loop() {
		if err := vr.read(&m, buf); err != nil {
			b.Fatal(err)
		}
	}
}
