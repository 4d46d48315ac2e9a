package scheme_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

func TestStreamline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		o := org.NewService(d, auth.Policy{})
		units := []*org.Unit{f.countyA, f.countyB}
		for k, code := range []string{"910103", "910104", "910105", "910106"} {
			units = append(units, must[*org.Unit](t)(o.CreateUnit(ctx, sys, org.Unit{ParentID: f.city.ID, Code: code,
				Name: "区" + code, Kind: org.KindRegion, Level: org.LevelCounty, CategoryID: []int64{f.urban.ID, f.eco.ID}[k%2]})))
		}
		v := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: doc(), Reason: "初始版本"}))
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, v.ID))
		// A cadre scheme for urban units that reuses GDP_GROWTH through another indicator.
		addItem(t, d, "GDP_PER_CAPITA", f.city.ID)
		must[*scheme.Indicator](t)(f.s.SaveIndicator(ctx, f.office, scheme.Indicator{Code: "GDP2", Name: "经济增长（干部）",
			Formula: "GDP_GROWTH * 2 + GDP_PER_CAPITA * 0"}))
		cadres := must[*scheme.Scheme](t)(f.s.CreateScheme(ctx, f.office, scheme.Scheme{Code: "cadre", Name: "干部考核",
			Subject: scheme.SubjectPerson, OwnerUnitID: f.city.ID, Categories: []string{"urban"}}))
		cv := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, cadres.ID, scheme.Draft{Reason: "初始版本", Doc: &score.Scheme{
			Indicators: []score.Indicator{{Code: "P", Name: "实绩", Weight: 100}, {Code: "GDP2", Parent: "P", Weight: 100}}}}))
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, cv.ID))

		// Values: GDP_GROWTH and FOREST_COVER move together over six units in 2025;
		// PETITIONS does not. Older periods and returned values are ignored.
		values := collect.NewService(d, auth.Policy{})
		var rows []collect.Row
		ins := func(u *org.Unit, item, period string, val float64) {
			rows = append(rows, collect.Row{Line: len(rows) + 1, Entity: u.Code, Item: item, Period: period,
				Value: strconv.FormatFloat(val, 'f', -1, 64)})
		}
		for k, u := range units {
			x := float64(k + 1)
			ins(u, "GDP_GROWTH", "2025", x)
			ins(u, "GDP_GROWTH", "2024", 10-x)
			ins(u, "GDP_PER_CAPITA", "2025", x*x)
			ins(u, "FOREST_COVER", "2025", 3*x+0.1*float64(k%2))
			ins(u, "PETITIONS", "2025", []float64{5, 1, 4, 1, 5, 9}[k])
		}
		ins(units[0], "PETITIONS", "2026", 100)
		must[*collect.Report](t)(values.Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI, Rows: rows}))
		must[*collect.Value](t)(values.Review(ctx, sys, units[0].ID, "PETITIONS", "2026", collect.StatusReturned, "数据有误"))

		rep := must[*scheme.Report](t)(f.s.Streamline(ctx, f.viewer))
		if len(rep.Schemes) != 2 || len(rep.Units) != 6 {
			t.Fatalf("report: %d schemes, %d units", len(rep.Schemes), len(rep.Units))
		}
		var a *scheme.UnitLoad
		for i := range rep.Units {
			if rep.Units[i].UnitID == f.countyA.ID {
				a = &rep.Units[i]
			}
		}
		// 清河区 (urban): county scheme's 6 leaves + GDP2; items GDP_GROWTH, RD_SPEND, GDP_TOTAL,
		// FOREST_COVER, PETITIONS, GDP_PER_CAPITA.
		if a == nil || a.Indicators != 7 || a.Items != 6 || strings.Join(a.Schemes, ",") != "cadre,county-team" {
			t.Fatalf("清河区: %+v", a)
		}
		shared := map[string]string{}
		for _, s := range rep.Shared {
			shared[s.Code] = strings.Join(s.Schemes, ",") + "|" + strings.Join(s.Indicators, ",")
		}
		if shared["GDP_GROWTH"] != "cadre,county-team|GDP,GDP2" || len(shared) != 1 {
			t.Errorf("shared items: %v", shared)
		}
		var pairs []string
		for _, p := range rep.Correlated {
			pairs = append(pairs, p.A+"~"+p.B)
			if p.N != 6 || p.PeriodA != "2025" || math.Abs(p.R) < 0.9 {
				t.Errorf("pair %+v", p)
			}
		}
		// FOREST correlates with GDP and with GDP2 (a formula over GDP_GROWTH); GDP and GDP2 perfectly.
		if got := strings.Join(pairs, " "); got != "GDP~GDP2 FOREST~GDP FOREST~GDP2" {
			t.Errorf("correlated pairs: %s", got)
		}
		if !rep.ValuesAvailable {
			t.Errorf("values are not available with a value reader")
		}
		if rep2 := must[*scheme.Report](t)(f.s.Streamline(ctx, f.outsider)); len(rep2.Units)+len(rep2.Schemes) != 0 {
			t.Errorf("outsider sees %d units", len(rep2.Units))
		}

		// Without a value reader the report has the same burden and no
		// correlations, and says that values are not available.
		bare := must[*scheme.Report](t)(scheme.NewService(d, auth.Policy{}).Streamline(ctx, f.viewer))
		if bare.ValuesAvailable || len(bare.Correlated) != 0 || len(bare.Units) != len(rep.Units) || len(bare.Shared) != len(rep.Shared) {
			t.Errorf("report without values: available %v, %d pairs, %d units, %d shared",
				bare.ValuesAvailable, len(bare.Correlated), len(bare.Units), len(bare.Shared))
		}
	})
}
