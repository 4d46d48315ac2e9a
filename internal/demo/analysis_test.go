package demo_test

import (
	"strings"
	"testing"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// TestPersistentEcoWeakness: over the demo's three published annual
// cycles, the weak-link analysis of the city's agricultural counties puts
// 生态环保 at the top — water quality and PM2.5 miss the province's
// targets in every county every year — while the urban districts are
// weak on them only where below their median.
func TestPersistentEcoWeakness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1}); err != nil {
			t.Fatal(err)
		}
		office, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).UserByLogin(t.Context(), auth.SystemActor("test"), "kaoheban")
		if err != nil {
			t.Fatal(err)
		}
		svc := analysis.NewService(d, auth.Policy{}, 0)
		persistent := func(category string) map[string]float64 {
			rep, err := svc.Report(t.Context(), office.Actor(), analysis.Filter{Category: category})
			if err != nil {
				t.Fatalf("%s: %v", category, err)
			}
			if len(rep.Cycles) != 3 {
				t.Fatalf("%s: %d cycles, want the three annual ones", category, len(rep.Cycles))
			}
			out := map[string]float64{}
			for i, r := range rep.Rows {
				out[r.Indicator.Code] = r.PersistentShare
				if i < 3 {
					out["top:"+r.Indicator.Code] = 1
				}
			}
			return out
		}
		agri := persistent("agri")
		for _, code := range []string{"ECO_WATER", "ECO_PM25"} {
			if agri[code] != 1 || agri["top:"+code] != 1 {
				t.Errorf("agri: %s persistently weak in %.0f%% of the counties (top three: %v), want all, among the weakest",
					code, agri[code]*100, agri["top:"+code] == 1)
			}
		}
		for code, share := range agri {
			if !strings.HasPrefix(code, "top:") && !strings.HasPrefix(code, "ECO_") && code != "ECON_GDP" && share >= 1 {
				t.Errorf("agri: %s is as persistently weak as 生态环保", code)
			}
		}
		// The urban districts are weak on them only below their median.
		urban := persistent("urban")
		for _, code := range []string{"ECO_WATER", "ECO_PM25"} {
			if s := urban[code]; !(s < 1) {
				t.Errorf("urban: %s persistently weak in %.0f%% of the districts", code, s*100)
			}
		}
	})
}
