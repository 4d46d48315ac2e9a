package scorefile

import (
	"bytes"
	"encoding/csv"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"kaohe/internal/score"
)

var update = flag.Bool("update", false, "rewrite the expected results of testdata/score/county")

// countyDir holds the worked example documented in docs/formats.md.
const countyDir = "../../testdata/score/county"

func countyFiles() Files {
	return Files{
		Scheme:   filepath.Join(countyDir, "scheme.json"),
		Entities: filepath.Join(countyDir, "entities.csv"),
		Values:   filepath.Join(countyDir, "values.csv"),
		Ratings:  filepath.Join(countyDir, "ratings.csv"),
		Findings: filepath.Join(countyDir, "findings.csv"),
	}
}

// TestCountyExample scores the worked example and compares the results and
// the explanation with the files kept next to it (go test -update rewrites
// them; review the diff). It also checks the example's documented points
// directly, so that the golden files are not merely whatever the engine
// said.
func TestCountyExample(t *testing.T) {
	in, _, err := Load(countyFiles(), Auto)
	if err != nil {
		t.Fatal(err)
	}
	in.Options.Draws = 200
	in.Options.Seed = 1
	out, err := score.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	var results, explain bytes.Buffer
	if err := WriteResults(&results, in.Scheme, out); err != nil {
		t.Fatal(err)
	}
	if err := WriteExplain(&explain, out); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join(countyDir, "results.csv"), results.Bytes())
	golden(t, filepath.Join(countyDir, "explain.csv"), explain.Bytes())

	// The explanation adds up to each total.
	rows, err := csv.NewReader(&explain).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[6], 64)
		if err != nil {
			t.Fatalf("contribution %q: %v", r[6], err)
		}
		sum[r[0]] += v
	}
	res := map[string]score.Result{}
	for _, r := range out.Entities {
		res[r.ID] = r
		if d := math.Abs(sum[r.ID] - r.Total); d > 1e-9 {
			t.Errorf("%s: contributions sum to %v, want total %v", r.ID, sum[r.ID], r.Total)
		}
	}

	// Points of the example, as docs/formats.md describes them.
	checks := []struct {
		entity     string
		bonus, ded float64
		flag       string
	}{
		{"T01", 3, 0, ""},                           // bonus 4 capped at 3
		{"T06", 2, 5, ""},                           // deductions 4 + 2.5 capped at 5
		{"T04", 0, 0, ""},                           // exempted finding counts nothing
		{"D02", 0, 0, ""},                           // voided finding counts nothing
		{"T07", 0, 0, score.FlagVeto},               // veto
		{"D05", 0, 0, score.FlagRaterGroupExcluded}, // 2 subordinates < min_group_size 3
		{"T05", 0, 0, score.FlagImputed},            // EMP missing, imputed by the group mean
		{"D03", 1.5, 0, score.FlagExcluded},         // PM25 missing, excluded
	}
	for _, c := range checks {
		r := res[c.entity]
		if r.Bonus != c.bonus || r.Deduction != c.ded {
			t.Errorf("%s: got bonus %v, deduction %v, want %v, %v", c.entity, r.Bonus, r.Deduction, c.bonus, c.ded)
		}
		if c.flag != "" && !contains(r.Flags, c.flag) {
			t.Errorf("%s: got flags %v, want %s among them", c.entity, r.Flags, c.flag)
		}
	}
	// Worked by hand: T01's GDP growth 7.2 % among the towns' 3.9 … 8.3 %
	// min-max normalises to 100 × 3.3/4.4 = 75; its effective weight is
	// D1's 30 % (30 of 30+20+15+15+10+10) × GDP's 60 % = 0.18, so it
	// contributes 13.5 points.
	for _, it := range out.Explain(0).Items {
		if it.Indicator != "GDP" {
			continue
		}
		if math.Abs(float64(it.Normalised)-75) > 1e-9 || math.Abs(float64(it.Weight)-0.18) > 1e-12 || math.Abs(it.Contribution-13.5) > 1e-9 {
			t.Errorf("T01 GDP: got normalised %v, weight %v, contribution %v, want 75, 0.18, 13.5", it.Normalised, it.Weight, it.Contribution)
		}
	}
	// The veto bars 好, 较好 and 一般; the quota lets floor(30 % × 7) = 2
	// towns and floor(30 % × 5) = 1 department be 好.
	if r := res["T07"]; r.Grade != "较差" || !contains(r.Flags, score.FlagBarred) {
		t.Errorf("T07: got grade %s, flags %v, want 较差 and barred (veto)", r.Grade, r.Flags)
	}
	best := map[string]int{}
	for _, r := range out.Entities {
		if r.Grade == "好" {
			best[r.Group]++
		}
	}
	if best["乡镇"] != 2 || best["县直部门"] != 1 {
		t.Errorf("got %v graded 好, want 2 towns and 1 department (quota)", best)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}
