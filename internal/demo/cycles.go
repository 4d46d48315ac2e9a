package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/fieldwork"
	"kaohe/internal/scheme"
	"kaohe/internal/sources"
	"kaohe/internal/survey"
)

// The cycles step scores 青州市's county leadership teams: the annual
// cycles of 2023, 2024 and 2025 (the first two with the county scheme's
// first version, 2025 with the second, which raised 科技创新) and the
// quarterly (平时) cycles of 2026 so far, all published, so that every
// county's profile shows a trend. A quarterly cycle reads the indicators
// statistics publish each quarter (quarterlyItems); the others have no
// quarterly value and are left out with their weight re-normalised. The
// quarterly values are drawn from the county's 2025 values with a small
// drift each quarter, written directly as the departments' quarterly
// reports. The 2025 annual cycle takes the tallies of the city's 2025
// evaluation of the county teams for 领导班子建设 (evaluations.go); the
// other cycles have no evaluation, and their qualitative indicators are
// left out with their weight re-normalised.

// quarterlyItems are the data items reported each quarter.
// countySchemeCode and cadreSchemeCode are the codes of the county
// leadership-team scheme and the county cadre scheme.
const (
	countySchemeCode = "qingzhou-county-team"
	cadreSchemeCode  = "qingzhou-cadre"
)

var quarterlyItems = []string{"GDP_GROWTH", "INVEST_GROWTH", "INDUSTRY_GROWTH", "INCOME_GROWTH", "PM25", "WATER_QUALITY", "SAFETY_SAT"}

// demoQuarters are the ordinary cycles of the current year.
var demoQuarters = []struct{ period, ends string }{
	{"2026Q1", "2026-03-31"}, {"2026Q2", "2026-06-30"}, {"2026Q3", "2026-09-30"},
}

// buildCycles makes, scores, approves and publishes the demo cycles.
func buildCycles(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	var ids []int64
	for _, c := range city.counties {
		ids = append(ids, c.unit.ID)
	}
	v1, v2, err := countyVersions(ctx, b)
	if err != nil {
		return err
	}
	if err := quarterlyValues(ctx, b, city.counties); err != nil {
		return err
	}
	evaluation, err := evaluationID(ctx, b, city.unit.ID, teamEvaluationTitle)
	if err != nil {
		return err
	}
	svc := cycle.NewService(b.d, auth.Policy{}, sources.Cycle())
	// publish makes, scores, approves and publishes c; judge, when set,
	// records the team's judgements before the scoring run.
	publish := func(c cycle.Cycle, judge func(id int64) error) error {
		code := c.Code
		c.OwnerUnitID, c.Draws = city.unit.ID, 100
		c.EndsOn = cmp.Or(c.EndsOn, c.Period+"-12-31")
		cc, err := svc.Create(ctx, b.actor, c, cycle.Selection{UnitIDs: ids})
		if err != nil {
			return fmt.Errorf("cycle %s: %w", code, err)
		}
		for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
			if _, err = svc.Move(ctx, b.actor, cc.ID, to, ""); err != nil {
				return fmt.Errorf("cycle %s to %s: %w", code, to, err)
			}
		}
		if judge != nil {
			if err := judge(cc.ID); err != nil {
				return fmt.Errorf("cycle %s: %w", code, err)
			}
		}
		sn, err := svc.Run(ctx, b.actor, cc.ID)
		if err != nil {
			return fmt.Errorf("score %s: %w", code, err)
		}
		if _, err = svc.Move(ctx, b.actor, cc.ID, cycle.Review, ""); err != nil {
			return err
		}
		if _, err = svc.Approve(ctx, b.actor, cc.ID, sn.ID, "考核办审定"); err != nil {
			return err
		}
		if _, err = svc.Move(ctx, b.actor, cc.ID, cycle.Published, "公示无异议"); err != nil {
			return err
		}
		return nil
	}
	for _, y := range []struct {
		year    int
		version int64
	}{{2023, v1}, {2024, v1}, {2025, v2}} {
		ys := strconv.Itoa(y.year)
		c := cycle.Cycle{Code: "qingzhou-county-" + ys, Name: ys + "年度县（市、区）领导班子综合考核", Kind: cycle.Annual,
			Subject: cycle.SubjectUnit, SchemeVersionID: y.version, Period: ys}
		var judge func(int64) error
		if y.year == 2025 {
			judge = func(id int64) error {
				return judgeAll(ctx, b, id, func(r *rand.Rand) []fieldwork.JudgementRow {
					return []fieldwork.JudgementRow{
						{Row: 1, Indicator: "PARTY_DUTY", Score: judgedScore(r, 72, 96), Basis: "查阅党建工作责任制落实台账，结合年度述职评定。"},
						{Row: 2, Indicator: "PARTY_CLEAN", Score: judgedScore(r, 75, 97), Basis: "查阅党风廉政建设责任清单，结合个别谈话情况评定。"},
					}
				})
			}
			c.EvaluationIDs = []int64{evaluation}
			for _, k := range city.counties {
				id, err := evaluationID(ctx, b, k.unit.ID, satisfactionSurveyTitle(k.unit.Name, "2025"))
				if err != nil {
					return err
				}
				c.EvaluationIDs = append(c.EvaluationIDs, id)
			}
		}
		if err := publish(c, judge); err != nil {
			return err
		}
	}
	for k, q := range demoQuarters {
		if err := publish(cycle.Cycle{Code: "qingzhou-county-" + q.period, Name: fmt.Sprintf("2026年第%d季度县（市、区）领导班子平时考核", k+1),
			Kind: cycle.Ordinary, Subject: cycle.SubjectUnit, SchemeVersionID: v2, Period: q.period, EndsOn: q.ends}, nil); err != nil {
			return err
		}
	}
	// The cadres of every county's leadership team, rated in their own
	// county's democratic evaluation.
	cadres, err := schemeVersion(ctx, b, cadreSchemeCode)
	if err != nil {
		return err
	}
	var evals []int64
	for _, k := range city.counties {
		id, err := evaluationID(ctx, b, k.unit.ID, countyEvaluationTitle(k.unit.Name, "2025"))
		if err != nil {
			return err
		}
		evals = append(evals, id)
	}
	if err := publish(cycle.Cycle{Code: "qingzhou-cadres-2025", Name: "2025年度县（市、区）领导干部年度考核", Kind: cycle.Annual,
		Subject: cycle.SubjectPerson, SchemeVersionID: cadres, Period: "2025", EvaluationIDs: evals},
		func(id int64) error {
			// 政治定力与政治担当 has no questionnaire item: the team judges it.
			return judgeAll(ctx, b, id, func(r *rand.Rand) []fieldwork.JudgementRow {
				return []fieldwork.JudgementRow{{Row: 1, Indicator: "CADRE_STANCE", Score: judgedScore(r, 75, 98),
					Basis: "个别谈话和述职述廉反映，政治立场坚定，敢于担当。"}}
			})
		}); err != nil {
		return err
	}
	b.logf("cycles: %d published cycles of %d county teams, and the 2025 cycle of their cadres", 3+len(demoQuarters), len(ids))
	return nil
}

// schemeVersion returns the active version of the scheme with code.
func schemeVersion(ctx context.Context, b *builder, code string) (int64, error) {
	svc := scheme.NewService(b.d, auth.Policy{})
	ss, err := svc.Schemes(ctx, b.actor)
	if err != nil {
		return 0, err
	}
	for _, sc := range ss {
		if sc.Code != code {
			continue
		}
		vs, err := svc.Versions(ctx, b.actor, sc.ID)
		if err != nil {
			return 0, err
		}
		for _, v := range vs {
			if v.Status == scheme.StatusActive {
				return v.ID, nil
			}
		}
	}
	return 0, fmt.Errorf("no active version of scheme %s", code)
}

// evaluationID returns the closed evaluation organised by unit with title.
func evaluationID(ctx context.Context, b *builder, unit int64, title string) (int64, error) {
	es, err := survey.NewService(b.d, auth.Policy{}).List(ctx, b.actor, survey.Filter{UnitID: unit, Status: survey.StatusClosed})
	if err != nil {
		return 0, fmt.Errorf("evaluation %s: %w", title, err)
	}
	for _, e := range es {
		if e.UnitID == unit && e.Title == title {
			return e.ID, nil
		}
	}
	return 0, fmt.Errorf("evaluation %s: none closed", title)
}

// countyVersions returns the county scheme's first and second versions.
func countyVersions(ctx context.Context, b *builder) (v1, v2 int64, err error) {
	svc := scheme.NewService(b.d, auth.Policy{})
	ss, err := svc.Schemes(ctx, b.actor)
	if err != nil {
		return 0, 0, err
	}
	for _, sc := range ss {
		if sc.Code != countySchemeCode {
			continue
		}
		vs, err := svc.Versions(ctx, b.actor, sc.ID)
		if err != nil {
			return 0, 0, err
		}
		if len(vs) < 2 {
			return 0, 0, fmt.Errorf("the county scheme has %d versions, want 2", len(vs))
		}
		// Versions lists the newest first.
		return vs[len(vs)-1].ID, vs[len(vs)-2].ID, nil
	}
	return 0, 0, fmt.Errorf("no scheme %s", countySchemeCode)
}

// quarterlyValues writes the quarters' values of the counties: each 2025
// value times 1 + a drift of up to ±3 % per quarter, rounded as the 2025
// value is.
func quarterlyValues(ctx context.Context, b *builder, counties []*countyRec) error {
	r := b.rand("cycles")
	type val struct {
		entity int64
		item   string
		v      float64
	}
	order := map[int64]int{}
	for i, c := range counties {
		order[c.unit.ID] = i + 1
	}
	var base []val
	err := b.d.View(ctx, func(tx *db.Tx) error {
		return collect.CurrentValues(ctx, tx, string(collect.EntityUnit), "2025", quarterlyItems, func(item string, id int64, v float64) {
			if order[id] > 0 {
				base = append(base, val{entity: id, item: item, v: v})
			}
		})
	})
	if err != nil {
		return err
	}
	slices.SortFunc(base, func(x, y val) int {
		return cmp.Or(cmp.Compare(order[x.entity], order[y.entity]), strings.Compare(x.item, y.item))
	})
	var vs []collect.SeedValue
	for _, q := range demoQuarters {
		for k := range base {
			v := &base[k]
			v.v = math.Round(v.v*(1+0.06*(r.Float64()-0.5))*100) / 100
			vs = append(vs, collect.SeedValue{Kind: collect.EntityUnit, EntityID: v.entity, Item: v.item, Period: q.period, Value: v.v})
		}
	}
	return b.d.InTx(ctx, func(tx *db.Tx) error { return collect.SeedValues(ctx, tx, vs) })
}
