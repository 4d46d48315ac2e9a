package scorefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadFiles writes a scheme, entities and values into a directory and
// loads them; names in messages are the plain file names.
func loadFiles(t *testing.T, scheme, entities, values string) ([]Warning, error) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"scheme.json": scheme, "entities.csv": entities, "values.csv": values} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	_, warnings, err := Load(Files{Scheme: "scheme.json", Entities: "entities.csv", Values: "values.csv"}, Auto)
	return warnings, err
}

const groupScheme = `{
  "indicators": [
    {"code": "D1", "weight": 60, "weights": {"县直部门": 40}},
    {"code": "I1", "parent": "D1", "weight": 1},
    {"code": "D2", "weight": 40},
    {"code": "I2", "parent": "D2", "weight": 1, "weights": {"乡镇": 2, "县直部门": 1}}
  ]
}`

const groupEntities = "entity,name,group\nT01,城关镇,乡镇\nD01,县发改局,县直部门\n"

const groupValues = "entity,indicator,value\nT01,I1,1\nT01,I2,2\nD01,I1,3\nD01,I2,4\n"

// TestLoadGroupWeights: a per-group weight keyed by a group no entity has
// would be ignored (the plain weight applies): it is an error at the key,
// listing the groups of the entities file.
func TestLoadGroupWeights(t *testing.T) {
	tests := []struct {
		name, scheme, entities string
		want                   string // "" = loads
	}{
		{"groups exist", groupScheme, groupEntities, ""},
		{"group misspelt", strings.Replace(groupScheme, `{"县直部门": 40}`, `{"县直部门 ": 40}`, 1), groupEntities,
			`scheme.json:3:46: indicator "D1": weight for group "县直部门 ", which no entity has (the groups of entities.csv are "乡镇", "县直部门") (field weights)`},
		{"nested indicator", strings.Replace(groupScheme, `{"乡镇": 2, "县直部门": 1}`, `{"乡镇": 2, "县直": 1}`, 1), groupEntities,
			`scheme.json:6:70: indicator "I2": weight for group "县直", which no entity has (the groups of entities.csv are "乡镇", "县直部门") (field weights)`},
		{"no entity of the group", groupScheme, "entity,name,group\nT01,城关镇,乡镇\n",
			`scheme.json:3:46: indicator "D1": weight for group "县直部门", which no entity has (the groups of entities.csv are "乡镇") (field weights)`},
		{"several unknown, first in order", strings.Replace(groupScheme, `{"乡镇": 2, "县直部门": 1}`, `{"b": 2, "a": 1}`, 1), groupEntities,
			`scheme.json:6:69: indicator "I2": weight for group "a", which no entity has (the groups of entities.csv are "乡镇", "县直部门") (field weights)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFiles(t, tt.scheme, tt.entities, "entity,indicator,value\n")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListGroups(t *testing.T) {
	var many []string
	for _, g := range "abcdefghijkl" {
		many = append(many, string(g))
	}
	if got, want := listGroups(many), `"a", "b", "c", "d", "e", "f", "g", "h", "i", "j" and 2 more`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestLoadNoValues: a values file without values scores every
// quantitative indicator as missing; it loads with one warning naming the
// file.
func TestLoadNoValues(t *testing.T) {
	qualitative := `{"indicators": [{"code": "D1", "weight": 1}, {"code": "Q1", "parent": "D1", "kind": "qualitative", "weight": 1}]}`
	tests := []struct {
		name, scheme, values string
		want                 string // "" = no warning
	}{
		{"values", groupScheme, groupValues, ""},
		{"only the header", groupScheme, "entity,indicator,value\n",
			"values.csv: warning: no values (only the header): every quantitative indicator is missing for every entity"},
		{"header without newline", groupScheme, "entity,indicator,value",
			"values.csv: warning: no values (only the header): every quantitative indicator is missing for every entity"},
		{"header and blank lines", groupScheme, "entity,indicator,value\r\n\r\n  \n",
			"values.csv: warning: no values (only the header): every quantitative indicator is missing for every entity"},
		{"one empty value", groupScheme, "entity,indicator,value\nT01,I1,\n",
			"values.csv: warning: no values (its one row has an empty value): every quantitative indicator is missing for every entity"},
		{"only empty values", groupScheme, "entity,indicator,value\nT01,I1,\n\nD01,I2, \n",
			"values.csv: warning: no values (all 2 rows have an empty value): every quantitative indicator is missing for every entity"},
		{"one value", groupScheme, "entity,indicator,value\nT01,I1,\nD01,I2,0\n", ""},
		{"no quantitative indicator", qualitative, "entity,indicator,value\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warnings, err := loadFiles(t, tt.scheme, groupEntities, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range warnings {
				got = append(got, w.String())
			}
			want := []string{}
			if tt.want != "" {
				want = []string{tt.want}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(want) {
				t.Errorf("got warnings %q, want %q", got, want)
			}
		})
	}
}
