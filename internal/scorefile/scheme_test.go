package scorefile

import (
	"strings"
	"testing"
)

// validScheme is a small scheme that passes Validate; tests break one
// thing in it at a time.
const validScheme = `{
  "code": "t",
  "indicators": [
    {"code": "D1", "name": "经济发展", "weight": 60},
    {"code": "I1", "parent": "D1", "weight": 1},
    {"code": "I2", "parent": "D1", "weight": 1},
    {"code": "D2", "name": "民生保障", "weight": 40},
    {"code": "I3", "parent": "D2", "weight": 1},
    {"code": "DED", "kind": "deduction", "cap": 5}
  ]
}`

func TestReadSchemeErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\n  \"code\": \"t\",\n  \"indicators\": [\n    {\"code\": \"D1\",}\n  ]\n}",
			`scheme.json:4:19: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"unexpected end", "{\n  \"indicators\": [\n", `scheme.json:3:1: invalid JSON: unexpected end of file`},
		{"empty", "", `scheme.json:1: file is empty, want a scheme JSON object`},
		{"wrong type", "{\n  \"indicators\": [\n    {\"code\": \"D1\", \"weight\": \"abc\"}\n  ]\n}",
			`scheme.json:3:20: indicators[0].weight: JSON string where a number is expected (field weight)`},
		{"unknown field", "{\n  \"indicators\": [\n    {\"code\": \"D1\", \"wieght\": 1}\n  ]\n}",
			`scheme.json:3:20: unknown field "wieght" (field wieght)`},
		{"trailing data", validScheme + "\n{}", `scheme.json:12:2: invalid JSON: data after the scheme object`},
		{"negative weight", strings.Replace(validScheme, `"parent": "D1", "weight": 1}`, `"parent": "D1", "weight": -1}`, 1),
			`scheme.json:5:36: indicator "I1": must not be negative, got -1 (field weight)`},
		{"weights sum to zero", strings.ReplaceAll(validScheme, `"parent": "D1", "weight": 1}`, `"parent": "D1", "weight": 0}`),
			`scheme.json:4:36: indicator "D1": the weights of the children of "D1" sum to zero (field weight)`},
		{"cycle", strings.Replace(validScheme, `{"code": "D1", "name"`, `{"code": "D1", "parent": "I1", "name"`, 1),
			`scheme.json:4:20: indicator "D1": cycle in the tree: D1 → I1 → D1 (field parent)`},
		{"unknown parent", strings.Replace(validScheme, `"parent": "D2"`, `"parent": "D9"`, 1),
			`scheme.json:8:20: indicator "I3": unknown parent "D9" (field parent)`},
		{"ahp not reciprocal", strings.Replace(validScheme, `"code": "t",`, `"code": "t", "weighting": "ahp", "ahp": [[1, 3], [3, 1]],`, 1),
			`scheme.json:2:48: ahp[0][1]: not reciprocal: 3 × ahp[1][0] = 9, want 1`},
		{"ahp inconsistent", strings.Replace(strings.Replace(validScheme, `"code": "D1", "name": "经济发展", "weight": 60}`,
			`"code": "D1", "name": "经济发展", "weight": 60, "weighting": "ahp", "ahp": [[1, 9, 1], [0.1111111111111111, 1, 9], [1, 0.1111111111111111, 1]]}`, 1),
			`{"code": "I2", "parent": "D1", "weight": 1},`, `{"code": "I2", "parent": "D1", "weight": 1}, {"code": "I4", "parent": "D1"},`, 1),
			`scheme.json:4:70: indicator "D1": inconsistent: consistency ratio CR = 2.205, must be below 0.1 (Saaty's RI for n = 3 is 0.58) (field ahp)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseScheme("scheme.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("got error type %T, want *Error", err)
			}
		})
	}
}

func TestReadSchemeValid(t *testing.T) {
	sf, err := parseScheme("scheme.json", append([]byte("\xEF\xBB\xBF"), validScheme...))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(Dimensions(sf.scheme), ","), "D1,D2"; got != want {
		t.Errorf("got dimensions %s, want %s", got, want)
	}
}

func TestJSONPositions(t *testing.T) {
	data := []byte("{\n  \"a\": [1,\n    {\"b\": {\"c\": 2}}],\n  \"d\": \"x\"\n}")
	pos := scanPositions(data)
	tests := []struct {
		path      string
		line, col int
	}{
		{"a", 2, 3}, {"a[0]", 2, 9}, {"a[1]", 3, 5}, {"a[1].b", 3, 6}, {"a[1].b.c", 3, 12}, {"d", 4, 3},
		{"a[1].b.zz", 3, 6}, // falls back to the longest known prefix
	}
	for _, tt := range tests {
		line, col, ok := pos.lineOf(data, tt.path)
		if !ok || line != tt.line || col != tt.col {
			t.Errorf("%s: got %d:%d (%v), want %d:%d", tt.path, line, col, ok, tt.line, tt.col)
		}
	}
}
