package scheme_test

import (
	"context"
	"fmt"
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
		// A cadre scheme for urban units that reuses GDP_GROWTH through another
		// indicator, and reads GDP_GROWTH_B, the same data under another code,
		// GDP_TOTAL_WAN, GDP_TOTAL in 万元 instead of 亿元, and JOBS_Q, a
		// quarterly item.
		for _, code := range []string{"GDP_PER_CAPITA", "GDP_GROWTH_B", "GDP_TOTAL_WAN"} {
			addItem(t, d, code, f.city.ID)
		}
		if _, err := collect.NewService(d, auth.Policy{}).CreateItem(ctx, sys, collect.Item{Code: "JOBS_Q", Name: "JOBS_Q",
			OwnerID: f.city.ID, Frequency: collect.Quarterly, Type: collect.TypeNumber, EntityKind: collect.EntityUnit}); err != nil {
			t.Fatal(err)
		}
		for _, ind := range []scheme.Indicator{
			{Code: "GDP2", Name: "经济增长（干部）", Formula: "GDP_GROWTH * 2 + GDP_PER_CAPITA * 0"},
			{Code: "GDPB", Name: "地区生产总值增速（统计局口径）", DataItem: "GDP_GROWTH_B"},
			{Code: "GDPW", Name: "地区生产总值（万元）", DataItem: "GDP_TOTAL_WAN"},
			{Code: "JOBS", Name: "城镇新增就业（季度）", DataItem: "JOBS_Q"},
		} {
			must[*scheme.Indicator](t)(f.s.SaveIndicator(ctx, f.office, ind))
		}
		cadres := must[*scheme.Scheme](t)(f.s.CreateScheme(ctx, f.office, scheme.Scheme{Code: "cadre", Name: "干部考核",
			Subject: scheme.SubjectPerson, OwnerUnitID: f.city.ID, Categories: []string{"urban"}}))
		cv := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, cadres.ID, scheme.Draft{Reason: "初始版本", Doc: &score.Scheme{
			Indicators: []score.Indicator{{Code: "P", Name: "实绩", Weight: 100}, {Code: "GDP2", Parent: "P", Weight: 40},
				{Code: "GDPB", Parent: "P", Weight: 20}, {Code: "GDPW", Parent: "P", Weight: 20}, {Code: "JOBS", Parent: "P", Weight: 20}}}}))
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, cv.ID))

		// Values: GDP_GROWTH and FOREST_COVER move together over six units in
		// 2025; PETITIONS does not. GDP_GROWTH_B repeats GDP_GROWTH in 2024 and
		// 2025, GDP_TOTAL_WAN is GDP_TOTAL × 10,000. JOBS_Q moves exactly
		// like GDP_GROWTH, but in 2026Q3: values of different periods are
		// never compared. Returned values are ignored.
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
			ins(u, "GDP_GROWTH_B", "2025", x)
			ins(u, "GDP_GROWTH_B", "2024", 10-x)
			ins(u, "GDP_PER_CAPITA", "2025", x*x)
			ins(u, "FOREST_COVER", "2025", 3*x+float64(k%2))
			ins(u, "PETITIONS", "2025", []float64{5, 1, 4, 1, 5, 9}[k])
			total := []float64{50, 80, 60, 90, 55, 70}[k]
			ins(u, "GDP_TOTAL", "2025", total)
			ins(u, "GDP_TOTAL_WAN", "2025", total*10000)
			ins(u, "JOBS_Q", "2026Q3", x)
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
		// 清河区 (urban): county scheme's 6 leaves + GDP2, GDPB, GDPW, JOBS; items
		// GDP_GROWTH, RD_SPEND, GDP_TOTAL, FOREST_COVER, PETITIONS,
		// GDP_PER_CAPITA, GDP_GROWTH_B, GDP_TOTAL_WAN, JOBS_Q.
		if a == nil || a.Indicators != 10 || a.Items != 9 || strings.Join(a.Schemes, ",") != "cadre,county-team" {
			t.Fatalf("清河区: %+v", a)
		}
		shared := map[string]string{}
		for _, s := range rep.Shared {
			shared[s.Code] = strings.Join(s.Schemes, ",") + "|" + strings.Join(s.Indicators, ",")
		}
		if shared["GDP_GROWTH"] != "cadre,county-team|GDP,GDP2" || len(shared) != 1 {
			t.Errorf("shared items: %v", shared)
		}
		// Pairs compare the same unit's values of the same period: GDP and
		// GDPB over 2024 and 2025, the rest over 2025. JOBS (2026Q3) pairs
		// with nothing.
		type aligned struct {
			n       int
			periods string
		}
		wantPairs := map[string]aligned{
			"GDP~GDP2": {6, "2025"}, "GDP~GDPB": {12, "2024 2025"}, "GDP2~GDPB": {6, "2025"},
			"FOREST~GDP": {6, "2025"}, "FOREST~GDP2": {6, "2025"}, "FOREST~GDPB": {6, "2025"},
		}
		var pairs []string
		for _, p := range rep.Correlated {
			key := p.A + "~" + p.B
			pairs = append(pairs, key)
			if w := wantPairs[key]; p.N != w.n || p.Units != 6 || strings.Join(p.Periods, " ") != w.periods || math.Abs(p.R) < 0.9 {
				t.Errorf("pair %s: got %+v, want n %d over %s", key, p, w.n, w.periods)
			}
		}
		// GDP, GDP2 and GDPB perfectly, FOREST with each of them.
		if got := strings.Join(pairs, " "); got != "GDP~GDP2 GDP~GDPB GDP2~GDPB FOREST~GDP FOREST~GDP2 FOREST~GDPB" {
			t.Errorf("correlated pairs: %s", got)
		}
		// Duplicated items: GDP_GROWTH_B repeats GDP_GROWTH; GDP_TOTAL_WAN is
		// GDP_TOTAL in another unit. JOBS_Q, of another period, is none.
		var dups []string
		for _, p := range rep.Duplicates {
			dups = append(dups, fmt.Sprintf("%s=%s %v %d %s", p.A, p.B, p.Identical, p.N, strings.Join(p.Periods, " ")))
			if math.Abs(p.R-1) > 1e-9 {
				t.Errorf("duplicate %s=%s: r %v, want 1", p.A, p.B, p.R)
			}
		}
		if got := strings.Join(dups, "; "); got != "GDP_GROWTH=GDP_GROWTH_B true 12 2024 2025; GDP_TOTAL=GDP_TOTAL_WAN false 6 2025" {
			t.Errorf("duplicates: %s", got)
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
		if bare.ValuesAvailable || len(bare.Correlated)+len(bare.Duplicates) != 0 || len(bare.Units) != len(rep.Units) || len(bare.Shared) != len(rep.Shared) {
			t.Errorf("report without values: available %v, %d pairs, %d units, %d shared",
				bare.ValuesAvailable, len(bare.Correlated), len(bare.Units), len(bare.Shared))
		}
	})
}
