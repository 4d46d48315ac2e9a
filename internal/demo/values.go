package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// The values step submits three years (2023–2025) of the demo data items
// for the first city's counties and districts (and, for the department
// items, its departments), each department submitting its own items
// through package collect as a provider would: one batch per department,
// validated, flagged and audited. Values follow the category: 生态功能区
// have high forest coverage and clean water, 城区/经济发达地区 a large
// economy and much research; each entity keeps a stable strength, so that
// its rank holds from year to year. The 2025 values are due on 2026-02-28;
// 信访局 has not yet submitted 2025 for two counties, so the collection
// status shows an overdue department.

// valueYears are the demo's periods.
var valueYears = []int{2023, 2024, 2025}

// valueRange is an item's range of values per category (urban, agri, eco)
// in the first year, and its yearly drift (a factor, 1 for none).
type valueRange struct {
	lo, hi [3]float64
	drift  float64
	digits int
}

// demoRanges are the ranges of the demo items; items absent here (the
// department items and those derived below) are handled in demoValue.
var demoRanges = map[string]valueRange{
	"GDP_GROWTH":        {[3]float64{5.5, 4.2, 3.8}, [3]float64{7.5, 6.0, 5.5}, 1, 1},
	"GDP_TOTAL":         {[3]float64{600, 250, 150}, [3]float64{1200, 450, 300}, 1.055, 1},
	"GDP_PER_CAPITA":    {[3]float64{110000, 55000, 50000}, [3]float64{160000, 75000, 70000}, 1.05, 0},
	"INVEST_GROWTH":     {[3]float64{4, 3, 2}, [3]float64{9, 8, 7}, 1, 1},
	"INDUSTRY_GROWTH":   {[3]float64{6, 4, 3}, [3]float64{9, 6.5, 5.5}, 1, 1},
	"INCOME_GROWTH":     {[3]float64{5, 5.5, 5.5}, [3]float64{6.5, 7, 7}, 1, 1},
	"POPULATION":        {[3]float64{50, 40, 20}, [3]float64{90, 70, 35}, 1.004, 2},
	"SAFETY_SAT":        {[3]float64{93, 94, 95}, [3]float64{97, 98, 98.5}, 1.001, 1},
	"DEBT_RATIO":        {[3]float64{60, 70, 85}, [3]float64{90, 100, 120}, 1.01, 1},
	"EDU_SPEND_SHARE":   {[3]float64{14, 15, 15}, [3]float64{18, 20, 19}, 1, 1},
	"HIGHTECH_SHARE":    {[3]float64{45, 20, 15}, [3]float64{60, 30, 25}, 1.03, 1},
	"HIGHTECH_FIRMS":    {[3]float64{200, 40, 20}, [3]float64{500, 90, 50}, 1.08, 0},
	"INVENTION_PATENTS": {[3]float64{15, 3, 2}, [3]float64{30, 6, 5}, 1.1, 2},
	"FOREST_COVER":      {[3]float64{20, 30, 65}, [3]float64{35, 45, 80}, 1.005, 1},
	// The agricultural counties' water and air fall short of the targets
	// (90 %, 35 μg/m³) every year: farming's run-off and straw burning.
	"WATER_QUALITY": {[3]float64{80, 78, 95}, [3]float64{92, 87, 100}, 1.005, 1},
	"PM25":          {[3]float64{32, 39, 18}, [3]float64{40, 46, 25}, 0.96, 1},
	"ENERGY_DROP":   {[3]float64{2.5, 2, 1.8}, [3]float64{4, 3.5, 3}, 1, 1},
	"HOSPITAL_BEDS": {[3]float64{6, 5, 5}, [3]float64{7.5, 6.5, 6}, 1.02, 2},
	// Department items: shares of tasks, budgets and cases.
	"TASK_COMPLETION":  {[3]float64{90, 90, 90}, [3]float64{100, 100, 100}, 1, 1},
	"BUDGET_EXECUTION": {[3]float64{92, 92, 92}, [3]float64{99, 99, 99}, 1, 1},
	"AUDIT_RECTIFY":    {[3]float64{85, 85, 85}, [3]float64{100, 100, 100}, 1, 1},
	"PETITION_ONTIME":  {[3]float64{90, 90, 90}, [3]float64{100, 100, 100}, 1, 1},
}

// valueEntity is an entity the values step reports on.
type valueEntity struct {
	code string
	cat  int     // 0 urban, 1 agri, 2 eco; 0 for departments
	str  float64 // stable strength in [0, 1]
}

// buildValues submits the demo values, department by department.
func buildValues(ctx context.Context, b *builder) error {
	r := b.rand("values")
	city := b.j.cities[0]
	catIndex := map[int64]int{}
	for code, c := range b.j.cat {
		catIndex[c.ID] = map[string]int{"urban": 0, "agri": 1, "eco": 2}[code]
	}
	var counties, depts []valueEntity
	for _, c := range city.counties {
		counties = append(counties, valueEntity{code: c.unit.Code, cat: catIndex[c.unit.CategoryID], str: r.Float64()})
	}
	for _, d := range city.depts {
		depts = append(depts, valueEntity{code: d.unit.Code, str: r.Float64()})
	}
	s := collect.NewService(b.d, auth.Policy{})
	// One batch per owning department, in the order of demoItems.
	type batch struct {
		owner *collect.Item
		rows  []collect.Row
	}
	var order []string
	batches := map[string]*batch{}
	total := 0
	for _, di := range demoItems {
		it, err := s.Item(ctx, b.actor, di.code)
		if err != nil {
			return fmt.Errorf("data item %s: %w", di.code, err)
		}
		bt := batches[it.OwnerName]
		if bt == nil {
			bt = &batch{owner: it}
			batches[it.OwnerName] = bt
			order = append(order, it.OwnerName)
		}
		ents := counties
		if di.departments {
			ents = depts
		}
		for k, e := range ents {
			for yi, year := range valueYears {
				var v float64
				switch di.code {
				case "REVENUE":
					v = revenue(e, yi)
				case "REVENUE_PREV":
					v = revenue(e, yi-1)
				default:
					v = demoValue(r, di.code, e, yi)
				}
				if di.code == "PETITIONS" && year == 2025 && k < 2 {
					continue // not yet submitted: the status shows it overdue
				}
				bt.rows = append(bt.rows, collect.Row{Line: len(bt.rows) + 1, Entity: e.code, Item: di.code,
					Period: strconv.Itoa(year), Value: strconv.FormatFloat(v, 'f', -1, 64)})
			}
		}
	}
	for _, name := range order {
		bt := batches[name]
		provider := &auth.Actor{Login: "system:demo", Name: name, Lang: auth.DefaultLang,
			Grants: []auth.Grant{{Role: auth.RoleProvider, UnitID: bt.owner.OwnerID, UnitPath: bt.owner.OwnerPath}}}
		rep, err := s.Submit(ctx, provider, collect.Batch{Source: collect.SourceAPI, Name: "demo", Rows: bt.rows})
		if err != nil {
			return fmt.Errorf("values of %s: %w", name, err)
		}
		total += rep.Inserted
	}
	for _, di := range demoItems {
		if err := s.SetDeadline(ctx, b.actor, di.code, "2025", "2026-02-28"); err != nil {
			return err
		}
	}
	b.logf("values: %d values of %d items from %d departments", total, len(demoItems), len(order))
	return nil
}

// demoValue returns the value of item for entity e in year index yi. The
// derived items follow from others: revenue from the economy, jobs and
// petitions from the population, research spending from GDP.
func demoValue(r *rand.Rand, item string, e valueEntity, yi int) float64 {
	noise := func(spread float64) float64 { return 1 + spread*(r.Float64()*2-1) }
	switch item {
	case "RD_SPEND": // 亿元: research intensity by category
		intensity := [3]float64{3.0, 1.3, 1.0}[e.cat] * (0.8 + 0.4*e.str)
		return round(rangeValue("GDP_TOTAL", e, yi)*intensity/100*noise(0.03), 2)
	case "URBAN_JOBS":
		return round(rangeValue("POPULATION", e, yi)*150*noise(0.1), 0)
	case "PETITIONS":
		return round(rangeValue("POPULATION", e, yi)*(14-6*e.str)*noise(0.1), 0)
	}
	rg := demoRanges[item]
	return round(rangeValue(item, e, yi)*noise(0.015), rg.digits)
}

// revenue is the general budget revenue (万元) of year index yi, about 7 %
// of GDP (亿元 × 10,000): the same for REVENUE of a year and REVENUE_PREV of
// the next, with no random draw.
func revenue(e valueEntity, yi int) float64 {
	share := 0.065 + 0.01*e.str + 0.002*float64(yi)
	return round(rangeValue("GDP_TOTAL", e, yi)*10000*share, 0)
}

// rangeValue places an entity in its category's range by its strength,
// drifted by year.
func rangeValue(item string, e valueEntity, yi int) float64 {
	rg := demoRanges[item]
	lo, hi := rg.lo[e.cat], rg.hi[e.cat]
	v := (lo + (hi-lo)*e.str) * math.Pow(rg.drift, float64(yi))
	if item == "FOREST_COVER" || item == "WATER_QUALITY" || item == "SAFETY_SAT" || item == "TASK_COMPLETION" ||
		item == "BUDGET_EXECUTION" || item == "AUDIT_RECTIFY" || item == "PETITION_ONTIME" {
		v = math.Min(v, 100)
	}
	return v
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
