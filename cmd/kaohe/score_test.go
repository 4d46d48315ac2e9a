package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// countyDir is the worked example of docs/formats.md.
const countyDir = "../../testdata/score/county"

var countyInputs = []string{"scheme.json", "entities.csv", "values.csv", "ratings.csv", "findings.csv"}

// countyCopy copies the example's inputs into a fresh directory, applies
// edit to the named file's text, and changes into the directory, so that
// messages carry plain file names.
func countyCopy(t *testing.T, file string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range countyInputs {
		data, err := os.ReadFile(filepath.Join(countyDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == file {
			data = []byte(edit(string(data)))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

var countyArgs = []string{"--scheme", "scheme.json", "--entities", "entities.csv", "--values", "values.csv",
	"--ratings", "ratings.csv", "--findings", "findings.csv", "--out", "results.csv", "--explain", "explain.csv"}

func runScoreArgs(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := runScore(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// replace returns an edit that replaces each old text with its new one
// (pairs: old, new, old, new, …), failing the test if an old text is not
// in the file, so that a change to the example cannot silently turn a case
// into a no-op.
func replace(t *testing.T, pairs ...string) func(string) string {
	return func(s string) string {
		for i := 0; i+1 < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("fixture does not contain %q", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
}

func TestScoreBadInput(t *testing.T) {
	tests := []struct {
		name, file string
		edit       []string // old, new pairs
		want       string
	}{
		{"unknown indicator", "values.csv", []string{"T01,TAX,9.5", "T01,TAXX,9.5"},
			`values.csv:3: unknown indicator "TAXX" (not a value indicator of the scheme) (field indicator)`},
		{"unknown entity in values", "values.csv", []string{"T01,TAX,9.5", "T99,TAX,9.5"},
			`values.csv:3: unknown entity "T99" (not in the entities file) (field entity)`},
		{"dimension in values", "values.csv", []string{"T01,TAX,9.5", "T01,D1,9.5"},
			`values.csv:3: indicator "D1" is a dimension: its score comes from its children, it takes no values (field indicator)`},
		{"non-numeric value", "values.csv", []string{"T01,TAX,9.5", "T01,TAX,abc"},
			`values.csv:3: value "abc" is not a number (field value)`},
		{"duplicate value row", "values.csv", []string{"T01,EMP,1250", "T01,TAX,1250"},
			`values.csv:4: duplicate value for entity "T01" and indicator "TAX" (first on line 3) (field indicator)`},
		{"wrong values header", "values.csv", []string{"entity,indicator,value", "entity,indicator,score"},
			`values.csv:1: header is "entity,indicator,score", want "entity,indicator,value"`},
		{"duplicate entity", "entities.csv", []string{"T03,青山乡", "T02,青山乡"},
			`entities.csv:4: duplicate entity "T02" (first on line 3) (field entity)`},
		{"wrong entities header", "entities.csv", []string{"entity,name,group", "单位,名称,类别"},
			`entities.csv:1: header is "单位,名称,类别", want "entity,name,group" or "entity,name,group,sanction"`},
		{"negative weight", "scheme.json", []string{`"unit": "%", "weight": 60,`, `"unit": "%", "weight": -60,`},
			`scheme.json:7:70: indicator "GDP": must not be negative, got -60 (field weight)`},
		{"weights sum to zero", "scheme.json", []string{`"D2", "unit": "%", "weight": 50,`, `"D2", "unit": "%", "weight": 0,`, `"D2", "unit": "人", "weight": 50,`, `"D2", "unit": "人", "weight": 0,`},
			`scheme.json:9:36: indicator "D2": the weights of the children of "D2" sum to zero (field weight)`},
		{"ahp not reciprocal", "scheme.json", []string{`"code": "D1", "name": "经济发展", "weight": 30, "weights": {"县直部门": 20}}`,
			`"code": "D1", "name": "经济发展", "weighting": "ahp", "ahp": [[1, 3], [3, 1]]}`},
			`scheme.json:6:68: indicator "D1": not reciprocal: 3 × ahp[1][0] = 9, want 1 (field ahp[0][1])`},
		{"ahp inconsistent", "scheme.json", []string{`"version": "2025.1",`,
			`"version": "2025.1",
  "weighting": "ahp",
  "ahp": [[1, 9, 0.1111111111111111, 1, 1, 1], [0.1111111111111111, 1, 9, 1, 1, 1], [9, 0.1111111111111111, 1, 1, 1, 1],
          [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]],`},
			`scheme.json:6:3: ahp: inconsistent: consistency ratio CR = 0.840, must be below 0.1 (Saaty's RI for n = 6 is 1.24)`},
		{"cycle", "scheme.json", []string{`{"code": "D1", "name": "经济发展",`, `{"code": "D1", "parent": "GDP", "name": "经济发展",`},
			`scheme.json:6:20: indicator "D1": cycle in the tree: D1 → GDP → D1 (field parent)`},
		{"malformed json", "scheme.json", []string{`"version": "2025.1",`, `"version": "2025.1"`},
			`scheme.json:5:3: invalid JSON: invalid character '"' after object key:value pair`},
		{"unknown scheme field", "scheme.json", []string{`"weight": 60, "key": true}`, `"wieght": 60, "key": true}`},
			`scheme.json:7:70: unknown field "wieght" (field wieght)`},
		{"rating score not a number", "ratings.csv", []string{"T01,PB,上级,80,,", "T01,PB,上级,八十,,"},
			`ratings.csv:2: score "八十" is not a number (field score)`},
		{"finding with bad status", "findings.csv", []string{"exempted", "容错"},
			`findings.csv:4: status "容错" is not active, exempted or voided (field status)`},
		// Issue #11: a per-group weight whose group no entity has was
		// silently ignored.
		{"weights for a group no entity has", "scheme.json", []string{`"weight": 15, "weights": {"县直部门": 25}}`, `"weight": 15, "weights": {"县直": 25}}`},
			`scheme.json:15:62: indicator "D4": weight for group "县直", which no entity has (the groups of entities.csv are "乡镇", "县直部门") (field weights)`},
		{"weights for a group of no entity", "entities.csv", []string{"改革局,县直部门", "改革局,县直机关", "财政局,县直部门", "财政局,县直机关",
			"保障局,县直部门", "保障局,县直机关", "分局,县直部门", "分局,县直机关", "管理局,县直部门", "管理局,县直机关"},
			`scheme.json:6:62: indicator "D1": weight for group "县直部门", which no entity has (the groups of entities.csv are "乡镇", "县直机关") (field weights)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := countyCopy(t, tt.file, replace(t, tt.edit...))
			code, stdout, stderr := runScoreArgs(countyArgs...)
			if code != 2 {
				t.Errorf("got exit status %d, want 2", code)
			}
			if got := strings.TrimSuffix(stderr, "\n"); got != tt.want || strings.Count(stderr, "\n") != 1 {
				t.Errorf("got message\n%s\nwant one line\n%s", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("got output %q, want none", stdout)
			}
			assertNoOutput(t, dir)
		})
	}
}

// assertNoOutput checks that dir holds only the inputs: no results, no
// explanation, no temporary file.
func assertNoOutput(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		name := e.Name()
		isInput := false
		for _, in := range countyInputs {
			isInput = isInput || in == name
		}
		if !isInput {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		t.Errorf("got files %v after a failed run, want none", extra)
	}
}

// TestScoreEncoding: CSV text that is not in the encoding given is
// refused, naming the file and line, instead of being decoded to garbage
// (issue #11: the county's UTF-8 files read with --encoding gbk garbled
// the group names, so that the weights of 县直部门 stopped applying and an
// entity moved rank).
func TestScoreEncoding(t *testing.T) {
	tests := []struct {
		name, encoding string
		want           string // "" = scores
	}{
		{"utf8 files read as gbk", "gbk",
			"entities.csv:2: the file is UTF-8, not GBK: as GBK, \"T01,城关镇,乡镇\" would read \"T01,鍩庡叧闀\uFFFD,涔￠晣\" (use --encoding utf8)"},
		{"utf8 files read as utf8", "utf8", ""},
		{"utf8 files detected", "auto", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := countyCopy(t, "", nil)
			code, stdout, stderr := runScoreArgs(append(slices.Clip(countyArgs), "--encoding", tt.encoding)...)
			if tt.want == "" {
				if code != 0 || stdout != "" || stderr != "" {
					t.Errorf("got exit status %d, output %q, errors %q, want 0 and nothing printed", code, stdout, stderr)
				}
				return
			}
			if code != 2 {
				t.Errorf("got exit status %d, want 2", code)
			}
			if got := strings.TrimSuffix(stderr, "\n"); got != tt.want || strings.Count(stderr, "\n") != 1 {
				t.Errorf("got message\n%s\nwant one line\n%s", stderr, tt.want)
			}
			assertNoOutput(t, dir)
		})
	}
}

// TestScoreNoValues: a values file without values is scored (every
// quantitative indicator missing), with one warning line on stderr naming
// the file.
func TestScoreNoValues(t *testing.T) {
	const header = "entity,indicator,value\n"
	tests := []struct {
		name   string
		values func(string) string
		want   string // the warning; "" = none
	}{
		{"values", func(s string) string { return s }, ""},
		{"only the header", func(string) string { return header },
			"values.csv: warning: no values (only the header): every quantitative indicator is missing for every entity"},
		{"only empty values", func(string) string { return header + "T01,GDP,\nT02,GDP,\n" },
			"values.csv: warning: no values (all 2 rows have an empty value): every quantitative indicator is missing for every entity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := countyCopy(t, "values.csv", tt.values)
			code, stdout, stderr := runScoreArgs(countyArgs...)
			if code != 0 || stdout != "" {
				t.Fatalf("got exit status %d, output %q (errors %q), want 0 and no output", code, stdout, stderr)
			}
			want := ""
			if tt.want != "" {
				want = tt.want + "\n"
			}
			if stderr != want {
				t.Errorf("got errors %q, want %q", stderr, want)
			}
			results, err := os.ReadFile(filepath.Join(dir, "results.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(string(results), "\n"); got != 13 {
				t.Errorf("got %d lines of results, want 13 (header and 12 entities)", got)
			}
		})
	}
}

// TestScoreCounty runs the worked example and compares the outputs with the
// expected files kept next to it (internal/scorefile's TestCountyExample
// checks their content; go test -update there rewrites them). The CSV
// inputs are read as UTF-8, UTF-8 with a byte-order mark, and GBK.
func TestScoreCounty(t *testing.T) {
	example, err := filepath.Abs(countyDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"utf8", "utf8 with BOM", "gbk"} {
		t.Run(enc, func(t *testing.T) {
			dir := t.TempDir()
			for _, name := range countyInputs {
				data, err := os.ReadFile(filepath.Join(example, name))
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case enc == "gbk" && strings.HasSuffix(name, ".csv"):
					if data, err = simplifiedchinese.GBK.NewEncoder().Bytes(data); err != nil {
						t.Fatal(err)
					}
				case enc == "utf8 with BOM":
					data = append([]byte("\xEF\xBB\xBF"), data...)
				}
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			code, stdout, stderr := runScoreArgs(append(countyArgs, "--draws", "200", "--seed", "1")...)
			if code != 0 || stdout != "" || stderr != "" {
				t.Fatalf("got exit status %d, output %q, errors %q, want 0 and nothing printed", code, stdout, stderr)
			}
			for _, name := range []string{"results.csv", "explain.csv"} {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(filepath.Join(example, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
				}
			}
		})
	}
}

func TestScoreUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "kaohe score: missing --scheme, --entities, --values, --out; run 'kaohe score -h' for the flags"},
		{"bad encoding", []string{"--scheme", "s", "--entities", "e", "--values", "v", "--out", "o", "--encoding", "latin1"},
			`kaohe score: --encoding: unknown encoding "latin1" (want auto, utf8 or gbk)`},
		{"negative draws", []string{"--scheme", "s", "--entities", "e", "--values", "v", "--out", "o", "--draws", "-1"},
			"kaohe score: --draws must not be negative"},
		{"missing file", []string{"--scheme", "nope.json", "--entities", "e", "--values", "v", "--out", "o"},
			"nope.json: cannot read: no such file or directory"},
		{"bad synth size", []string{"--synth", "100000", "--dir", "d"},
			`kaohe score: --synth: "100000" is not ENTITIESxINDICATORS, e.g. 100000x40`},
		{"synth without dir", []string{"--synth", "10x4"}, "kaohe score: --synth needs --dir"},
		{"stray argument", []string{"extra"}, `kaohe score: unexpected argument "extra"`},
		{"synth with inputs", []string{"--synth", "10x4", "--dir", "d", "--scheme", "s"},
			"kaohe score: --synth writes input files: give it only --dir and --seed"},
		{"same outputs", []string{"--scheme", "s", "--entities", "e", "--values", "v", "--out", "o.csv", "--explain", "./o.csv"},
			"kaohe score: --explain and --out name the same file"},
		{"no output directory", []string{"--scheme", "s", "--entities", "e", "--values", "v", "--out", "nodir/o.csv"},
			"kaohe score: cannot write nodir/o.csv: no directory nodir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			code, _, stderr := runScoreArgs(tt.args...)
			if code != 2 {
				t.Errorf("got exit status %d, want 2", code)
			}
			if got := strings.TrimSuffix(stderr, "\n"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestScoreSynth writes small synthetic files and scores them.
func TestScoreSynth(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runScoreArgs("--synth", "500x12", "--dir", dir, "--seed", "7")
	if code != 0 {
		t.Fatalf("got exit status %d (%s), want 0", code, stderr)
	}
	if got := strings.Count(stdout, "\n"); got != 3 {
		t.Errorf("got %d paths printed, want 3", got)
	}
	values, err := os.ReadFile(filepath.Join(dir, "values.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(string(values), "\n"), 500*12+1; got != want {
		t.Errorf("got %d lines in values.csv, want %d", got, want)
	}
	out := filepath.Join(dir, "results.csv")
	code, _, stderr = runScoreArgs("--scheme", filepath.Join(dir, "scheme.json"), "--entities", filepath.Join(dir, "entities.csv"),
		"--values", filepath.Join(dir, "values.csv"), "--out", out, "--draws", "10")
	if code != 0 {
		t.Fatalf("got exit status %d (%s), want 0", code, stderr)
	}
	results, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(string(results), "\n"), 501; got != want {
		t.Errorf("got %d lines in results.csv, want %d", got, want)
	}
}
