package demo_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/scheme"
)

// TestDemoSchemes checks the demo's schemes: three, the county one with two
// versions whose diff raises 科技创新, category weights that favour
// innovation in urban areas and forests and water in ecological ones.
func TestDemoSchemes(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Build(ctx, d, demo.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	sys := auth.SystemActor("test")
	s := scheme.NewService(d, auth.Policy{})
	list, err := s.Schemes(ctx, sys)
	if err != nil || len(list) != 3 {
		t.Fatalf("schemes: %d, %v", len(list), err)
	}
	var county *scheme.Scheme
	for _, sc := range list {
		if sc.Code == "qingzhou-county-team" {
			county = sc
		}
	}
	vs, err := s.Versions(ctx, sys, county.ID)
	if err != nil || len(vs) != 3 || vs[0].Status != scheme.StatusActive || vs[1].Status != scheme.StatusRetired || vs[2].Status != scheme.StatusRetired {
		t.Fatalf("county versions: %+v %v", vs, err)
	}
	leaves := 0
	parents := map[string]bool{}
	for _, ind := range vs[0].Doc.Indicators {
		parents[ind.Parent] = true
	}
	for _, ind := range vs[0].Doc.Indicators {
		if !parents[ind.Code] {
			leaves++
		}
	}
	if leaves < 24 || leaves > 30 {
		t.Errorf("county scheme has %d indicators, want about 26", leaves)
	}
	// 2025 (version 2) raised 科技创新 over version 1; 2026 (version 3)
	// added 平时考核.
	diff, err := s.Compare(ctx, sys, vs[2].ID, vs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	added, err := s.Compare(ctx, sys, vs[1].ID, vs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range added.Added {
		codes = append(codes, a.Code)
	}
	if !slices.Contains(codes, "ORDINARY_RESULT") {
		t.Errorf("version 3 does not add 平时考核结果: %v", codes)
	}
	raised := false
	for _, wc := range diff.Weights {
		if wc.Code == "INNOV" && wc.Category == "urban" && wc.Old == 20 && wc.New == 25 {
			raised = true
		}
	}
	if !raised {
		t.Errorf("diff does not raise 科技创新 in urban: %+v", diff.Weights)
	}
	nodes, err := scheme.Tree(vs[0].Doc, county.Categories)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if n.Code == "ECO_FOREST" && math.Abs(n.Effective["eco"]-0.35*0.35) > 1e-12 {
			t.Errorf("forest in eco: %g", n.Effective["eco"])
		}
		if n.Code == "INNOV" && !(n.Effective["urban"] > n.Effective["eco"]) {
			t.Errorf("innovation weighs %g in urban, %g in eco", n.Effective["urban"], n.Effective["eco"])
		}
	}
	if _, err := s.Streamline(ctx, sys); err != nil {
		t.Fatal(err)
	}
}
