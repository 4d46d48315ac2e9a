package demo

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/outcome"
)

// TestDemoOutcome checks the use of results the demo builds: a pending
// 记三等功 proposal for a cadre with three years 优秀, a handover with open
// findings and rectification tasks signed by the predecessor only, two
// cadres admitted to the reserve pool and the sanctioned cadre adjusted
// with a follow-up visit.
func TestDemoOutcome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
			t.Fatal(err)
		}
		sys := auth.SystemActor("test")
		svc := outcome.NewService(d, auth.Policy{})
		ps, err := svc.Proposals(ctx, sys, outcome.Filter{Status: outcome.Pending})
		if err != nil {
			t.Fatal(err)
		}
		var merit *outcome.Proposal
		for _, p := range ps {
			if p.Action == outcome.ActMerit {
				merit = p
			}
		}
		if merit == nil {
			t.Fatalf("no pending 记三等功 among %d proposals", len(ps))
		}
		g := merit.Evidence.Grades
		if len(g) != 3 || g[0].Grade != "优秀" || g[1].Grade != "优秀" || g[2].Grade != "优秀" || g[0].Source == "" {
			t.Errorf("%s's evidence: %+v", merit.Person, g)
		}
		hs, err := svc.Handovers(ctx, sys)
		if err != nil || len(hs) != 1 {
			t.Fatalf("handovers: %d, %v; want 1", len(hs), err)
		}
		kinds := map[string]int{}
		for _, it := range hs[0].Items {
			kinds[it.Kind]++
		}
		if h := hs[0]; kinds[outcome.ItemFinding] == 0 || kinds[outcome.ItemTask] == 0 || h.FromSigned.IsZero() || !h.ToSigned.IsZero() {
			t.Errorf("the handover of %s (items by kind %v): %+v", h.Unit, kinds, h)
		}
		pool, err := svc.Pool(ctx, sys)
		if err != nil || len(pool) != 2 || pool[0].Status != outcome.Admitted || pool[1].Status != outcome.Admitted {
			t.Errorf("the pool: %d entries, %v; want two admitted", len(pool), err)
		}
		for _, p := range pool {
			if xs, err := svc.Adjustments(ctx, sys, p.PersonID); err != nil || len(xs) != 0 {
				t.Errorf("%s in the pool is adjusted (%v)", p.Person, err)
			}
		}
		sanctioned, err := finding.NewService(d, auth.Policy{}).Sanctions(ctx, sys, 0)
		if err != nil || len(sanctioned) != 1 {
			t.Fatal(err)
		}
		if xs, err := svc.Adjustments(ctx, sys, sanctioned[0].PersonID); err != nil || len(xs) != 1 || len(xs[0].Visits) != 1 {
			t.Errorf("the sanctioned cadre's adjustments: %v, %v; want one with a visit", xs, err)
		}
		t.Logf("%s: %s; %d proposals pending; %s %s → %s, %d items", merit.Person, merit.RuleName, len(ps), hs[0].Unit, hs[0].From,
			hs[0].To, len(hs[0].Items))
	})
}
