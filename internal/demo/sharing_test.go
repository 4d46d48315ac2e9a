package demo_test

import (
	"slices"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// TestSharingToken checks the demo's consuming-system token: it acts as
// a reader of the city alone, for results and three items.
func TestSharingToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		a, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).ActorForAPIToken(t.Context(), sum.ShareToken)
		if err != nil {
			t.Fatalf("the demo's sharing token: %v", err)
		}
		var city int64
		for _, l := range sum.Logins {
			if l.Login == "kaoheban" {
				city = l.UnitID
			}
		}
		sh := a.Share
		if sh == nil || sh.UnitID != city || !sh.Results || !slices.Equal(sh.Items, []string{"GDP_GROWTH", "PM25", "WATER_QUALITY"}) ||
			len(a.Grants) != 1 || a.Grants[0].Role != auth.RoleViewer {
			t.Errorf("got actor %+v share %+v", a, sh)
		}
	})
}
