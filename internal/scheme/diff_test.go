package scheme_test

import (
	"math"
	"testing"

	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

func TestDiffDocs(t *testing.T) {
	old := doc()
	cur := doc()
	// Rename D3, drop SAT (PETITION takes its weight), add a bonus item,
	// switch D1 to equal weights and change a normalisation.
	cur.Indicators[5].Name = "群众评价与信访"
	cur.Indicators = append(cur.Indicators[:7], cur.Indicators[8:]...)
	cur.Indicators[6].Weight = 100
	cur.Indicators = append(cur.Indicators, score.Indicator{Code: "BONUS", Name: "创新加分", Kind: score.KindBonus, Cap: 2})
	cur.Indicators[0].Weighting = score.WeightEqual
	target := 5.0
	cur.Indicators[1].Normalise = score.Normalisation{Method: score.Target, Target: &target}
	d, err := scheme.DiffDocs(old, cur, []string{"eco", "urban"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || d.Added[0].Code != "BONUS" || d.Added[0].Kind != score.KindBonus {
		t.Errorf("added: %+v", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].Code != "SAT" {
		t.Errorf("removed: %+v", d.Removed)
	}
	if len(d.Renamed) != 1 || d.Renamed[0].Code != "D3" || d.Renamed[0].New != "群众评价与信访" {
		t.Errorf("renamed: %+v", d.Renamed)
	}
	methods := map[string]scheme.Change{}
	for _, m := range d.Methods {
		methods[m.Code+"."+m.Field] = m
	}
	if m := methods["D1.weighting"]; m.Old != `"expert"` || m.New != `"equal"` {
		t.Errorf("D1 weighting: %+v", m)
	}
	if m := methods["GDP.normalise"]; m.Old != `{}` || m.New != `{"method":"target","target":5}` {
		t.Errorf("GDP normalise: %+v", m)
	}
	if len(methods) != 2 {
		t.Errorf("methods: %+v", d.Methods)
	}
	// Under equal weights GDP and RD weigh half of D1 in every category:
	// urban 40 % × 50 % = 20 % (was 40 % × 40 % = 16 %).
	found := false
	for _, w := range d.Weights {
		if w.Code == "GDP" && w.Category == "urban" {
			found = true
			if math.Abs(w.OldEffective-0.16) > 1e-12 || math.Abs(w.NewEffective-0.2) > 1e-12 || w.Old != 40 || w.New != 40 {
				t.Errorf("GDP urban: %+v", w)
			}
		}
		if w.Code == "PETITION" && w.Category == "" && (w.Old != 50 || w.New != 100) {
			t.Errorf("PETITION default: %+v", w)
		}
	}
	if !found {
		t.Errorf("no GDP urban weight change: %+v", d.Weights)
	}
	if same, _ := scheme.DiffDocs(old, doc(), nil); !same.Empty() {
		t.Errorf("a document differs from itself: %+v", same)
	}
}
