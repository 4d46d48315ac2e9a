package demo

import (
	"context"
	"fmt"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/org"
)

// The town-values step gives the first county's 统计局 (the demo's county
// provider, tongji) its own work: two quarterly items about the county's
// townships and streets, reported for 2026Q1 and Q2, with Q3 still
// missing for some townships past its deadline and Q4 due next.

// townItems are the quarterly township items of the county 统计局.
var townItems = []struct {
	code, name string
	lo, hi     float64
}{
	{"TOWN_GDP_GROWTH", "乡镇（街道）地区生产总值增速", 3.5, 7.5},
	{"TOWN_INVEST_GROWTH", "乡镇（街道）固定资产投资增速", 1, 9},
}

// townDeadlines are the reporting deadlines of the quarters.
var townDeadlines = []struct{ period, due string }{
	{"2026Q1", "2026-04-20"}, {"2026Q2", "2026-07-20"}, {"2026Q3", "2026-10-20"}, {"2026Q4", "2027-01-20"},
}

func buildTownValues(ctx context.Context, b *builder) error {
	r := b.rand("town-values")
	county := b.j.cities[0].counties[0]
	var stats *org.Unit
	for _, d := range county.depts {
		if d.spec.abbr == "TJJ" {
			stats = d.unit
		}
	}
	if stats == nil || len(county.towns) == 0 {
		return fmt.Errorf("%s has no 统计局 or no townships", county.unit.Name)
	}
	s := collect.NewService(b.d, auth.Policy{})
	for _, it := range townItems {
		if _, err := s.CreateItem(ctx, b.actor, collect.Item{Code: it.code, Name: it.name, Measure: "%", OwnerID: stats.ID,
			Frequency: collect.Quarterly, Type: collect.TypePercent, EntityKind: collect.EntityUnit,
			UnitKind: org.KindRegion, UnitLevel: org.LevelTownship}); err != nil {
			return fmt.Errorf("data item %s: %w", it.code, err)
		}
		for _, d := range townDeadlines {
			if err := s.SetDeadline(ctx, b.actor, it.code, d.period, d.due); err != nil {
				return err
			}
		}
	}
	var rows []collect.Row
	for q, d := range townDeadlines[:3] {
		for k, t := range county.towns {
			if q == 2 && k%3 == 0 {
				continue // Q3 not yet in for every third township: overdue
			}
			for _, it := range townItems {
				v := it.lo + (it.hi-it.lo)*r.Float64()
				rows = append(rows, collect.Row{Line: len(rows) + 2, Entity: t.unit.Code, Item: it.code, Period: d.period,
					Value: strconv.FormatFloat(round(v, 1), 'f', -1, 64)})
			}
		}
	}
	provider := &auth.Actor{Login: "system:demo", Name: stats.Name, Lang: auth.DefaultLang,
		Grants: []auth.Grant{{Role: auth.RoleProvider, UnitID: stats.ID, UnitPath: stats.Path}}}
	rep, err := s.Submit(ctx, provider, collect.Batch{Source: collect.SourceAPI, Name: "demo", Rows: rows})
	if err != nil {
		return fmt.Errorf("values of %s: %w", stats.Name, err)
	}
	b.logf("town values: %d quarterly values of %s's townships from %s", rep.Inserted, county.unit.Name, stats.Name)
	return nil
}
