package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/org"
	"kaohe/internal/track"
)

// The track step gives the first city's counties a monthly key indicator,
// 规上工业增加值 reported year to date for 2024 and 2025, on a seasonal
// trajectory towards a 6.5 % rise — one county (the second) lags in red,
// one is just below in yellow — and files the 2025 commitments of every
// county team and of every team cadre of a county, at their year-end
// states: most verified (完成, 基本完成, 未完成), some proved and waiting, a
// few still in review; each verified owner's delivery rate is published;
// and their work ledgers of 2025, a few hundred entries.

// ItemIndustryMonthly is the demo's monthly key indicator.
const ItemIndustryMonthly = "INDUSTRY_VALUE_M"

// industryShare is the share of a year's 规上工业增加值 reached by the end
// of each month, the same for every county.
var industryShare = [12]float64{0.055, 0.12, 0.2, 0.28, 0.36, 0.45, 0.53, 0.61, 0.7, 0.79, 0.89, 1}

// industryGrowth is a county's growth of 规上工业增加值 in 2025: the second
// county falls behind, the fourth misses the target by a little.
func industryGrowth(k int, r float64) float64 {
	switch k {
	case 1:
		return -0.04
	case 3:
		return 0.05
	}
	return 0.066 + 0.03*r
}

// industryTarget is the 2025 target: a 6.5 % rise on 2024.
const industryTarget = 1.065

// teamPledges are commitments of a county team besides its industry target.
var teamPledges = []struct{ title, dimension string }{
	{"完成城镇老旧小区改造，惠及居民三千户以上", "livelihood"},
	{"建成县域数字政务服务平台，政务服务事项网上可办率达到95%", "governance"},
	{"开展基层党组织标准化规范化建设三年行动", "party"},
}

// cadrePledges are commitments of a county's team cadres, by turns.
var cadrePledges = []struct{ title, dimension string }{
	{"推动两个以上重点招商项目签约落地", "economy"},
	{"牵头完成河长制巡河问题整改销号", "ecology"},
	{"联系帮扶企业解决融资用工难题", "economy"},
	{"推进分管领域安全生产隐患排查整治", "governance"},
	{"建成一批科技创新孵化载体", "innovation"},
	{"落实民生实事项目按期完工", "livelihood"},
}

func buildTrack(ctx context.Context, b *builder) error {
	r := b.rand("track")
	city := b.j.cities[0]
	var stats *org.Unit
	for _, d := range city.depts {
		if d.spec.abbr == "TJJ" {
			stats = d.unit
		}
	}
	if stats == nil {
		return fmt.Errorf("no 统计局 in %s", city.unit.Name)
	}
	collects := collect.NewService(b.d, auth.Policy{})
	tracks := track.NewService(b.d, auth.Policy{}, collects)
	// The city's office sets when progress and proof are filed, for
	// 2025 and for the year under way.
	for _, w := range []track.Window{
		{Year: 2025, Stage: track.ReportMidyear, Opens: "2025-06-20", Closes: "2025-07-15"},
		{Year: 2025, Stage: track.ReportYearEnd, Opens: "2025-12-15", Closes: "2026-01-15"},
		{Year: 2026, Stage: track.ReportMidyear, Opens: "2026-06-20", Closes: "2026-07-15"},
		{Year: 2026, Stage: track.ReportYearEnd, Opens: "2026-12-15", Closes: "2027-01-15"},
	} {
		w.UnitID = city.unit.ID
		if err := tracks.SetWindow(ctx, b.actor, w); err != nil {
			return fmt.Errorf("report window: %w", err)
		}
	}
	if _, err := collects.CreateItem(ctx, b.actor, collect.Item{Code: ItemIndustryMonthly, Name: "规上工业增加值（1—N月累计）", Measure: "亿元",
		OwnerID: stats.ID, Frequency: collect.Monthly, Type: collect.TypeNumber, EntityKind: collect.EntityUnit, UnitKind: org.KindRegion,
		UnitLevel: org.LevelCounty, Description: "规模以上工业增加值1月至本月累计值，按月报送。"}); err != nil {
		return err
	}
	totals := make([]float64, len(city.counties))
	var rows []collect.Row
	for k, c := range city.counties {
		totals[k] = float64(int((60+140*r.Float64())*10)) / 10
		g := industryGrowth(k, r.Float64())
		for m := 1; m <= 12; m++ {
			for _, y := range []struct {
				year  int
				total float64
			}{{2024, totals[k]}, {2025, totals[k] * (1 + g)}} {
				v := y.total * industryShare[m-1]
				rows = append(rows, collect.Row{Line: len(rows) + 1, Entity: c.unit.Code, Item: ItemIndustryMonthly,
					Period: fmt.Sprintf("%d-%02d", y.year, m), Value: strconv.FormatFloat(float64(int(v*100))/100, 'f', -1, 64)})
			}
		}
	}
	if _, err := collects.Submit(ctx, b.actor, collect.Batch{Source: collect.SourceAPI, Rows: rows}); err != nil {
		return fmt.Errorf("industry values: %w", err)
	}
	for k, c := range city.counties {
		target := float64(int(totals[k]*industryTarget*10)) / 10
		if _, err := tracks.SetMonitor(ctx, b.actor, track.MonitorDraft{UnitID: c.unit.ID, ItemCode: ItemIndustryMonthly, Year: 2025,
			Method: track.Seasonal, Target: strconv.FormatFloat(target, 'f', -1, 64)}); err != nil {
			return fmt.Errorf("monitor of %s: %w", c.unit.Name, err)
		}
	}
	seeds := b.commitmentSeeds(r.Float64, city, totals)
	if err := b.d.InTx(ctx, func(tx *db.Tx) error { return tracks.SeedCommitments(ctx, tx, b.actor, seeds) }); err != nil {
		return err
	}
	entries := b.ledgerDrafts(r.IntN, city, seeds)
	if _, err := tracks.AddEntries(ctx, b.actor, entries); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	b.logf("track: %d commitments, %d monitors, %d ledger entries", len(seeds), len(city.counties), len(entries))
	return nil
}

// ledgerWork are the ledger entries of a county, by kind.
var ledgerWork = []struct{ kind, title, milestone string }{
	{"project", "新能源装备产业园项目", "主体厂房封顶"},
	{"project", "县城污水处理厂提标改造", "设备安装调试"},
	{"project", "农村公路提档升级工程", "路基施工"},
	{"task", "召开重点项目推进调度会", ""},
	{"task", "开展营商环境问题大排查", ""},
	{"task", "推进高标准农田建设", ""},
	{"issue", "办结群众反映的供暖不热问题", ""},
	{"issue", "化解企业欠薪信访积案", ""},
}

// latentWork is groundwork recorded as 潜绩, revisited two years on.
var latentWork = []string{"实施土壤改良和耕地质量提升", "建立产业链人才培养基地", "开展河湖生态修复", "推进基层治理数字化底座建设"}

// ledgerDrafts draws the 2025 work ledgers of the counties and of their
// team cadres: a few hundred entries, some tied to the commitments they
// serve and some marked 潜绩.
func (b *builder) ledgerDrafts(intn func(int) int, city *cityRec, seeds []*track.Seed) []track.EntryDraft {
	var out []track.EntryDraft
	byUnit := map[int64][]*track.Seed{}
	for _, sd := range seeds {
		byUnit[sd.UnitID] = append(byUnit[sd.UnitID], sd)
	}
	for _, c := range city.counties {
		for k := 0; k < 24; k++ {
			w := ledgerWork[(k+intn(3))%len(ledgerWork)]
			d := track.EntryDraft{UnitID: c.unit.ID, Day: fmt.Sprintf("2025-%02d-%02d", 1+k/2, 3+intn(25)), Kind: w.kind, Title: w.title,
				Detail: "按计划推进，相关材料已归档。", Milestone: w.milestone}
			if w.kind == "project" {
				d.Investment = strconv.Itoa(2000 + 500*intn(40))
			}
			if cs := byUnit[c.unit.ID]; len(cs) > 0 && k%4 == 0 && cs[0].Status == track.Approved {
				d.CommitmentID = cs[0].ID
			}
			if k%9 == 5 {
				d.Kind, d.Title, d.Milestone, d.Investment = "task", latentWork[intn(len(latentWork))], "", ""
				d.Latent, d.RevisitOn = true, fmt.Sprintf("2027-%02d-15", 1+k/2)
			}
			out = append(out, d)
		}
		for _, s := range b.c.seats {
			if s.unit.ID != c.unit.ID || !s.team || s.holder == nil {
				continue
			}
			for k := 0; k < 3; k++ {
				w := ledgerWork[3+(k+intn(5))%5]
				out = append(out, track.EntryDraft{UnitID: c.unit.ID, PersonID: s.holder.person.ID, Kind: w.kind, Title: w.title,
					Day: fmt.Sprintf("2025-%02d-%02d", 2+4*k, 5+intn(20)), Detail: "本人牵头推进。"})
			}
		}
	}
	return out
}

// commitmentSeeds draws the 2025 commitments of the counties' teams and
// team cadres.
func (b *builder) commitmentSeeds(draw func() float64, city *cityRec, totals []float64) []*track.Seed {
	var out []*track.Seed
	at := func(day string) time.Time {
		t, _ := time.Parse(time.DateOnly, day)
		return t.Add(10 * time.Hour)
	}
	add := func(c track.Commitment, lagging bool) {
		c.ID, c.Year, c.Status, c.Stage, c.Version = db.NewID(), 2025, track.Approved, track.StageVerified, 1
		sd := &track.Seed{Commitment: c}
		x := draw()
		switch {
		case x < 0.04:
			sd.Status, sd.Stage = track.Submitted, track.StageNone
		case x < 0.07:
			sd.Status, sd.Stage, sd.ReviewComment = track.Returned, track.StageNone, "目标表述不够具体，请量化到年底可核验的成果。"
		}
		if sd.Status == track.Approved {
			sd.Reports = append(sd.Reports, track.Report{Stage: track.ReportMidyear, Body: "按计划推进，已完成年度任务的一半左右。", CreatedAt: at("2025-07-10")})
			sd.Reports = append(sd.Reports, track.Report{Stage: track.ReportYearEnd, Body: "全年任务推进情况及佐证材料已报送。", CreatedAt: at("2026-01-12")})
			y := draw()
			switch {
			case x > 0.9:
				sd.Stage = track.StageProved
			case lagging || y < 0.1:
				sd.Verdict, sd.VerdictReason = track.Missed, "经核实，年度目标未达成。"
			case y < 0.3:
				sd.Verdict, sd.VerdictReason = track.Mostly, "经核实，主体任务完成，个别节点滞后。"
			default:
				sd.Verdict, sd.VerdictReason = track.Done, "经实地核查和资料比对，目标按期完成。"
			}
		}
		out = append(out, sd)
	}
	ms := func(title string) []track.Milestone {
		return []track.Milestone{{Title: "制定实施方案", DueOn: "2025-03-31"}, {Title: title + "过半", DueOn: "2025-07-31"},
			{Title: "完成并验收", DueOn: "2025-12-31"}}
	}
	for k, c := range city.counties {
		target := float64(int(totals[k]*industryTarget*10)) / 10
		add(track.Commitment{Owner: track.OwnerUnit, UnitID: c.unit.ID, Title: fmt.Sprintf("规上工业增加值全年达到%g亿元", target),
			Dimension: "economy", Target: track.TargetValue, ItemCode: ItemIndustryMonthly, TargetValue: &target, DueOn: "2025-12-31"}, k == 1)
		for _, p := range teamPledges {
			add(track.Commitment{Owner: track.OwnerUnit, UnitID: c.unit.ID, Title: p.title, Dimension: p.dimension,
				Target: track.TargetMilestones, Milestones: ms("工作进度"), DueOn: "2025-12-31"}, false)
		}
		n := 0
		for _, s := range b.c.seats {
			if s.unit.ID != c.unit.ID || !s.team || s.holder == nil {
				continue
			}
			for j := 0; j < 2; j++ {
				p := cadrePledges[(n+j)%len(cadrePledges)]
				add(track.Commitment{Owner: track.OwnerPerson, UnitID: c.unit.ID, PersonID: s.holder.person.ID, Title: p.title,
					Dimension: p.dimension, Target: track.TargetMilestones, Milestones: ms("任务"), DueOn: "2025-12-31"}, false)
			}
			n++
		}
	}
	return out
}
