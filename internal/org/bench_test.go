package org_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// BenchmarkSubtree lists people and units under a county, a city and the
// province of the demo at KAOHE_BENCH_SCALE (default 200: about 100,000
// cadres), as an office scoped to each would, on each engine.
func BenchmarkSubtree(b *testing.B) {
	scale := 200
	if s, err := strconv.Atoi(os.Getenv("KAOHE_BENCH_SCALE")); err == nil {
		scale = s
	}
	engines := []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			d := e.open(b)
			sum, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: scale})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d units, %d cadres", e.name, sum.Units, sum.People)
			s := org.NewService(d, auth.Policy{})
			unit := func(code string) *org.Unit {
				us, _, err := s.FindUnits(ctx, auth.SystemActor("bench"), org.UnitFilter{Query: code, Kind: org.KindRegion, Limit: 1})
				if err != nil || len(us) == 0 {
					b.Fatalf("unit %s: %v", code, err)
				}
				return us[0]
			}
			for _, at := range []struct{ name, code string }{
				{"county", "910102"}, {"city", "910100"}, {"province", "910000"},
			} {
				u := unit(at.code)
				office := &auth.Actor{UserID: 1, Login: "office", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: u.ID, UnitPath: u.Path}}}
				b.Run("people/"+at.name, func(b *testing.B) {
					for b.Loop() {
						ps, n, err := s.FindPeople(ctx, office, org.PersonFilter{Under: u.ID, Limit: 50})
						if err != nil || len(ps) == 0 || n < len(ps) {
							b.Fatalf("got %d of %d, %v", len(ps), n, err)
						}
					}
				})
				if at.name == "province" {
					continue
				}
				b.Run("units/"+at.name, func(b *testing.B) {
					for b.Loop() {
						us, err := s.Subtree(ctx, office, u.ID)
						if err != nil || len(us) == 0 {
							b.Fatalf("got %d, %v", len(us), err)
						}
					}
				})
			}
		})
	}
}
