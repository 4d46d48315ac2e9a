package demo

import (
	"context"
	"fmt"
	"kaohe/internal/finding"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/sources"
	"kaohe/internal/survey"
)

// The schemes step builds the indicator library and three schemes of
// 青州市: a county leadership-team scheme (two versions: 2025 raised the
// weight of 科技创新), a city-department scheme and a cadre scheme over
// 政治素质、德、能、勤、绩、廉. It runs after the data items are seeded and
// adds, through package collect, any item of demoItems still missing, so
// that it builds either way.

// demoItem is a data item the demo schemes read: its code, name, unit of
// measure, the city department that owns it (by name, e.g. 统计局 for
// 青州市统计局) and whether it measures regions (county level) or
// departments (city level).
type demoItem struct {
	code, name, measure, dept string
	typ                       collect.ValueType
	departments               bool
}

// demoItems are the data items of the demo schemes. The collect step seeds
// values for them; codes here and there must match.
var demoItems = []demoItem{
	{"GDP_GROWTH", "地区生产总值增速", "%", "统计局", collect.TypePercent, false},
	{"GDP_TOTAL", "地区生产总值", "亿元", "统计局", collect.TypeNumber, false},
	{"GDP_PER_CAPITA", "人均地区生产总值", "元", "统计局", collect.TypeNumber, false},
	{"INVEST_GROWTH", "固定资产投资增速", "%", "统计局", collect.TypePercent, false},
	{"INDUSTRY_GROWTH", "规模以上工业增加值增速", "%", "统计局", collect.TypePercent, false},
	{"INCOME_GROWTH", "居民人均可支配收入增速", "%", "统计局", collect.TypePercent, false},
	{"POPULATION", "常住人口", "万人", "统计局", collect.TypeNumber, false},
	{"SAFETY_SAT", "群众安全感满意度", "%", "统计局", collect.TypePercent, false},
	{"REVENUE", "一般公共预算收入", "万元", "财政局", collect.TypeNumber, false},
	{"REVENUE_PREV", "上年一般公共预算收入", "万元", "财政局", collect.TypeNumber, false},
	{"DEBT_RATIO", "政府债务率", "%", "财政局", collect.TypePercent, false},
	{"EDU_SPEND_SHARE", "教育支出占一般公共预算支出比重", "%", "财政局", collect.TypePercent, false},
	{"RD_SPEND", "研究与试验发展经费支出", "亿元", "科学技术局", collect.TypeNumber, false},
	{"HIGHTECH_SHARE", "高新技术产业增加值占规上工业比重", "%", "科学技术局", collect.TypePercent, false},
	{"HIGHTECH_FIRMS", "高新技术企业数", "家", "科学技术局", collect.TypeInteger, false},
	{"INVENTION_PATENTS", "每万人口高价值发明专利拥有量", "件", "市场监督管理局", collect.TypeNumber, false},
	{"FOREST_COVER", "森林覆盖率", "%", "自然资源和规划局", collect.TypePercent, false},
	{"WATER_QUALITY", "地表水达到或好于Ⅲ类水体比例", "%", "生态环境局", collect.TypePercent, false},
	{"PM25", "细颗粒物（PM2.5）年均浓度", "μg/m³", "生态环境局", collect.TypeNumber, false},
	{"ENERGY_DROP", "单位地区生产总值能耗降低率", "%", "发展和改革委员会", collect.TypePercent, false},
	{"URBAN_JOBS", "城镇新增就业人数", "人", "人力资源和社会保障局", collect.TypeInteger, false},
	{"HOSPITAL_BEDS", "每千人口医疗卫生机构床位数", "张", "卫生健康委员会", collect.TypeNumber, false},
	{"PETITIONS", "信访总量", "件", "信访局", collect.TypeInteger, false},
	{"TASK_COMPLETION", "重点工作任务完成率", "%", "发展和改革委员会", collect.TypePercent, true},
	{"BUDGET_EXECUTION", "预算执行率", "%", "财政局", collect.TypePercent, true},
	{"AUDIT_RECTIFY", "审计发现问题整改率", "%", "审计局", collect.TypePercent, true},
	{"PETITION_ONTIME", "信访事项按期办结率", "%", "信访局", collect.TypePercent, true},
}

// demoLibrary is the indicator library of the demo schemes.
var demoLibrary = []scheme.Indicator{
	// 经济发展
	{Code: "ECON_GDP", Name: "地区生产总值增速", Unit: "%", DataItem: "GDP_GROWTH", Key: true},
	{Code: "ECON_GDPPC", Name: "人均地区生产总值", Unit: "元", DataItem: "GDP_PER_CAPITA"},
	{Code: "ECON_REVENUE", Name: "一般公共预算收入增速", Unit: "%", Formula: "(REVENUE - REVENUE_PREV) / REVENUE_PREV * 100"},
	{Code: "ECON_INVEST", Name: "固定资产投资增速", Unit: "%", DataItem: "INVEST_GROWTH"},
	{Code: "ECON_INDUSTRY", Name: "规模以上工业增加值增速", Unit: "%", DataItem: "INDUSTRY_GROWTH"},
	{Code: "ECON_DEBT", Name: "政府债务率", Unit: "%", Direction: score.Lower, DataItem: "DEBT_RATIO"},
	// 科技创新
	{Code: "INNOV_RD", Name: "研发经费投入强度", Unit: "%", Formula: "RD_SPEND / GDP_TOTAL * 100", Key: true, Leading: true},
	{Code: "INNOV_HIGHTECH", Name: "高新技术产业增加值占比", Unit: "%", DataItem: "HIGHTECH_SHARE", Leading: true},
	{Code: "INNOV_PATENTS", Name: "每万人口高价值发明专利拥有量", Unit: "件", DataItem: "INVENTION_PATENTS"},
	{Code: "INNOV_FIRMS", Name: "高新技术企业数", Unit: "家", DataItem: "HIGHTECH_FIRMS"},
	// 生态环保
	{Code: "ECO_FOREST", Name: "森林覆盖率", Unit: "%", DataItem: "FOREST_COVER", Key: true},
	{Code: "ECO_WATER", Name: "地表水达到或好于Ⅲ类水体比例", Unit: "%", DataItem: "WATER_QUALITY", Key: true},
	{Code: "ECO_PM25", Name: "PM2.5年均浓度", Unit: "μg/m³", Direction: score.Lower, DataItem: "PM25"},
	{Code: "ECO_ENERGY", Name: "单位GDP能耗降低率", Unit: "%", DataItem: "ENERGY_DROP"},
	// 民生改善
	{Code: "LIVE_INCOME", Name: "居民人均可支配收入增速", Unit: "%", DataItem: "INCOME_GROWTH", Key: true},
	{Code: "LIVE_JOBS", Name: "城镇新增就业人数", Unit: "人", DataItem: "URBAN_JOBS"},
	{Code: "LIVE_EDU", Name: "教育支出占一般公共预算支出比重", Unit: "%", DataItem: "EDU_SPEND_SHARE"},
	{Code: "LIVE_BEDS", Name: "每千人口医疗卫生机构床位数", Unit: "张", DataItem: "HOSPITAL_BEDS"},
	{Code: "LIVE_PETITION", Name: "万人信访量", Unit: "件", Direction: score.Lower, Formula: "PETITIONS / POPULATION"},
	// 党的建设
	{Code: "PARTY_DUTY", Name: "党建工作责任制落实", Kind: score.KindQualitative, Key: true},
	{Code: "PARTY_CLEAN", Name: "党风廉政建设", Kind: score.KindQualitative},
	// 领导班子建设 takes the team's overall grade (好/较好/一般/较差) in the
	// city's democratic evaluation of the county teams (evaluations.go).
	{Code: "PARTY_TEAM", Name: "领导班子建设", Kind: score.KindQualitative, DataItem: "team.overall"},
	// 平时考核: the year's quarterly totals, which the annual cycle folds
	// in. No data item or questionnaire measures it, so the library holds
	// it as a qualitative (定性) leaf, which takes a value set directly.
	{Code: "ORDINARY_RESULT", Name: "平时考核结果", Kind: score.KindQualitative, Unit: "分"},
	// 群众评价
	// 群众满意度 takes the grades on basic public services in the county's
	// public satisfaction survey (evaluations.go).
	{Code: "PUBLIC_SAT", Name: "群众满意度", Kind: score.KindQualitative, Key: true, DataItem: "satisfaction.services"},
	{Code: "PUBLIC_SAFETY", Name: "群众安全感满意度", Unit: "%", DataItem: "SAFETY_SAT"},
	// 加分、扣分、一票否决
	{Code: "BONUS_INNOV", Name: "改革创新工作加分", Kind: score.KindBonus},
	{Code: "DED_FINDINGS", Name: "巡视巡察督查发现问题扣分", Kind: score.KindDeduction},
	{Code: "VETO_SAFETY", Name: "重特大安全生产事故", Kind: score.KindVeto},
	// 市直部门
	{Code: "DEPT_TASKS", Name: "重点工作任务完成率", Unit: "%", DataItem: "TASK_COMPLETION", Key: true},
	{Code: "DEPT_BUDGET", Name: "预算执行率", Unit: "%", DataItem: "BUDGET_EXECUTION"},
	{Code: "DEPT_AUDIT", Name: "审计发现问题整改率", Unit: "%", DataItem: "AUDIT_RECTIFY"},
	{Code: "DEPT_LAW", Name: "依法行政", Kind: score.KindQualitative},
	{Code: "DEPT_PETITION", Name: "信访事项按期办结率", Unit: "%", DataItem: "PETITION_ONTIME"},
	{Code: "DEPT_SERVICE", Name: "服务对象满意度", Kind: score.KindQualitative},
	// 干部：政治素质、德、能、勤、绩、廉. Each takes the cadre's grades on
	// the matching item of the democratic evaluation's cadre questionnaire
	// (survey.QCadre); 政治定力与政治担当 has no questionnaire item.
	{Code: "CADRE_LOYALTY", Name: "政治忠诚", Kind: score.KindQualitative, Key: true, DataItem: "cadre.political"},
	{Code: "CADRE_STANCE", Name: "政治定力与政治担当", Kind: score.KindQualitative},
	{Code: "CADRE_MORAL", Name: "品德修养", Kind: score.KindQualitative, DataItem: "cadre.morality"},
	{Code: "CADRE_ABILITY", Name: "履职能力", Kind: score.KindQualitative, DataItem: "cadre.ability"},
	{Code: "CADRE_DILIGENCE", Name: "勤勉敬业", Kind: score.KindQualitative, DataItem: "cadre.diligence"},
	{Code: "CADRE_RESULTS", Name: "工作实绩", Kind: score.KindQualitative, Key: true, DataItem: "cadre.achievement"},
	{Code: "CADRE_INTEGRITY", Name: "廉洁自律", Kind: score.KindQualitative, DataItem: "cadre.integrity"},
	{Code: "CADRE_DISCIPLINE", Name: "受到党纪政务处分", Kind: score.KindVeto},
	{Code: "CADRE_FINDINGS", Name: "问题线索扣分", Kind: score.KindDeduction},
}

// findingRules are rules for every finding category and severity: points
// gives per category the points of a minor (一般), major (较重) and severe
// (严重) finding on item deduction; a severe finding of a category in
// vetoes flags item veto instead.
func findingRules(deduction string, points map[string][3]float64, veto string, vetoes ...string) []score.FindingRule {
	var out []score.FindingRule
	for _, c := range scheme.FindingCategories() {
		for k, sev := range scheme.FindingSeverities() {
			r := score.FindingRule{Category: c, Severity: sev, Indicator: deduction, Points: points[c][k]}
			if sev == "severe" && slices.Contains(vetoes, c) {
				r = score.FindingRule{Category: c, Severity: sev, Indicator: veto}
			}
			out = append(out, r)
		}
	}
	return out
}

// teamRules are the finding rules of the leadership-team schemes: every
// finding of supervision deducts from 巡视巡察督查发现问题扣分 (capped at 10),
// more the graver it is and most for 党风廉政, 财经纪律 and 统计数据质量
// (统计造假); a severe 安全生产 finding — a major accident — is a veto.
func teamRules() []score.FindingRule {
	return findingRules("DED_FINDINGS", map[string][3]float64{
		"integrity": {1, 2, 3}, "work_style": {0.5, 1, 2}, "safety": {0.5, 1, 0}, "environment": {0.5, 1, 2},
		"stability": {0.5, 1, 2}, "finance": {1, 2, 3}, "statistics": {1, 2, 3}, "tasks": {0.5, 1, 2},
	}, "VETO_SAFETY", "safety")
}

// cadreRules are the finding rules of the cadre scheme: every finding
// about a cadre deducts from 问题线索扣分 (capped at 10), a severe 党风廉政
// finding most. A sanction, not a finding, is what bars grades
// (受到党纪政务处分).
func cadreRules() []score.FindingRule {
	return findingRules("CADRE_FINDINGS", map[string][3]float64{
		"integrity": {1, 2, 4}, "work_style": {0.5, 1, 2}, "safety": {0.5, 1, 2}, "environment": {0.5, 1, 2},
		"stability": {0.5, 1, 2}, "finance": {1, 2, 3}, "statistics": {1, 2, 3}, "tasks": {0.5, 1, 2},
	}, "")
}

// w is a shorthand for per-category weights.
type w = map[string]float64

// countyDoc is the county leadership-team scheme. innovation2025 raises the
// weight of 科技创新 (the 2025 version).
// countyDocOrdinary is the 2026 county scheme: the 2025 one with a
// dimension 平时考核 whose one leaf receives the weighted mean of the
// year's quarterly totals (the annual cycle folds them in, R2.5), scored
// as points; its 10 points come from 经济发展, whose quarterly indicators
// the quarterly cycles already score.
func countyDocOrdinary() *score.Scheme {
	doc := countyDoc(true)
	for i := range doc.Indicators {
		if ind := &doc.Indicators[i]; ind.Code == "ECON" {
			ind.Weight -= 10
			for k := range ind.Weights {
				ind.Weights[k] -= 10
			}
		}
	}
	doc.Indicators = append(doc.Indicators,
		score.Indicator{Code: "ORDINARY", Name: "平时考核", Weight: 10},
		score.Indicator{Code: "ORDINARY_RESULT", Parent: "ORDINARY", Weight: 100, Normalise: asPoints})
	return doc
}

func countyDoc(innovation2025 bool) *score.Scheme {
	econ, innov := 35.0, 10.0
	econW, innovW := w{"urban": 35, "agri": 30, "eco": 20}, w{"urban": 20, "agri": 5, "eco": 5}
	if innovation2025 {
		econ, innov = 30, 15
		econW, innovW = w{"urban": 30, "agri": 25, "eco": 15}, w{"urban": 25, "agri": 10, "eco": 10}
	}
	// Targets: GDP growth 8 %; 地表水达到或好于Ⅲ类 90 % and PM2.5 at most
	// 35 μg/m³, the province's targets, which the agricultural counties
	// miss year after year (the weak-link analysis shows it).
	target, water, pm25 := 8.0, 90.0, 35.0
	return &score.Scheme{
		Name: "县（市、区）领导班子综合考核方案",
		Indicators: []score.Indicator{
			{Code: "ECON", Name: "经济发展", Weight: econ, Weights: econW},
			{Code: "ECON_GDP", Parent: "ECON", Weight: 25, Normalise: score.Normalisation{Method: score.Target, Target: &target, Cap: true}},
			{Code: "ECON_GDPPC", Parent: "ECON", Weight: 15},
			{Code: "ECON_REVENUE", Parent: "ECON", Weight: 20},
			{Code: "ECON_INVEST", Parent: "ECON", Weight: 15},
			{Code: "ECON_INDUSTRY", Parent: "ECON", Weight: 15, Weights: w{"eco": 10}},
			{Code: "ECON_DEBT", Parent: "ECON", Weight: 10, Weights: w{"eco": 15}},
			{Code: "INNOV", Name: "科技创新", Weight: innov, Weights: innovW},
			{Code: "INNOV_RD", Parent: "INNOV", Weight: 30, Weights: w{"urban": 35}},
			{Code: "INNOV_HIGHTECH", Parent: "INNOV", Weight: 25, Weights: w{"urban": 30}},
			{Code: "INNOV_PATENTS", Parent: "INNOV", Weight: 20},
			{Code: "INNOV_FIRMS", Parent: "INNOV", Weight: 25, Weights: w{"urban": 15}},
			{Code: "ECO", Name: "生态环保", Weight: 15, Weights: w{"urban": 10, "agri": 15, "eco": 35}},
			{Code: "ECO_FOREST", Parent: "ECO", Weight: 25, Weights: w{"eco": 35}},
			{Code: "ECO_WATER", Parent: "ECO", Weight: 25, Weights: w{"eco": 35},
				Normalise: score.Normalisation{Method: score.Target, Target: &water, Cap: true}},
			{Code: "ECO_PM25", Parent: "ECO", Weight: 25, Weights: w{"eco": 15},
				Normalise: score.Normalisation{Method: score.Target, Target: &pm25, Cap: true}},
			{Code: "ECO_ENERGY", Parent: "ECO", Weight: 25, Weights: w{"eco": 15}},
			{Code: "LIVE", Name: "民生改善", Weight: 20, Weights: w{"urban": 15, "agri": 25, "eco": 20}},
			{Code: "LIVE_INCOME", Parent: "LIVE", Weight: 30},
			{Code: "LIVE_JOBS", Parent: "LIVE", Weight: 20},
			{Code: "LIVE_EDU", Parent: "LIVE", Weight: 15},
			{Code: "LIVE_BEDS", Parent: "LIVE", Weight: 15},
			{Code: "LIVE_PETITION", Parent: "LIVE", Weight: 20},
			{Code: "PARTY", Name: "党的建设", Weight: 10},
			{Code: "PARTY_DUTY", Parent: "PARTY", Weight: 40},
			{Code: "PARTY_CLEAN", Parent: "PARTY", Weight: 30},
			// The team's overall grade in a democratic evaluation, as the mean
			// points of the votes (好 100, 较好 80, 一般 60, 较差 0).
			{Code: "PARTY_TEAM", Parent: "PARTY", Weight: 30, Rating: score.RatingSpec{Source: score.FromVotes}},
			{Code: "PUBLIC", Name: "群众评价", Weight: 10, Weights: w{"agri": 15}},
			{Code: "PUBLIC_SAT", Parent: "PUBLIC", Weight: 60, Rating: votes},
			{Code: "PUBLIC_SAFETY", Parent: "PUBLIC", Weight: 40},
			{Code: "BONUS_INNOV", Cap: 3},
			{Code: "DED_FINDINGS", Cap: 10},
			{Code: "VETO_SAFETY"},
		},
		BonusCap: 3, DeductionCap: 10,
		FindingRules: teamRules(),
		Rating: score.RatingPolicy{Groups: []score.RaterGroup{
			{Code: "superior", Name: "上级", Weight: 0.4}, {Code: "peer", Name: "同级", Weight: 0.3},
			{Code: "subordinate", Name: "下级", Weight: 0.2}, {Code: "public", Name: "群众", Weight: 0.1}},
			MinGroupSize: 3, Grades: survey.Grades()},
		Grading: score.Grading{
			Bands:  []score.Band{{Grade: "好", Min: 85}, {Grade: "较好", Min: 70}, {Grade: "一般", Min: 60}, {Grade: "较差", Min: 0}},
			Quotas: []score.Quota{{Grade: "好", Share: 0.3}},
			Blocks: []score.Block{{When: score.BlockVeto, Grades: []string{"好", "较好"}}},
		},
	}
}

// deptDoc is the city-department leadership-team scheme.
func deptDoc() *score.Scheme {
	return &score.Scheme{
		Name: "市直部门领导班子考核方案",
		Indicators: []score.Indicator{
			{Code: "DUTY", Name: "职能工作", Weight: 50, Weights: w{"econ": 55, "party": 45}},
			{Code: "DEPT_TASKS", Parent: "DUTY", Weight: 50},
			{Code: "DEPT_BUDGET", Parent: "DUTY", Weight: 20},
			{Code: "DEPT_AUDIT", Parent: "DUTY", Weight: 15},
			{Code: "DEPT_LAW", Parent: "DUTY", Weight: 15},
			{Code: "COMMON", Name: "共性工作", Weight: 20, Weights: w{"econ": 20, "party": 15}},
			{Code: "DEPT_PETITION", Parent: "COMMON", Weight: 100},
			{Code: "DPARTY", Name: "党的建设", Weight: 15, Weights: w{"econ": 10, "party": 25}},
			{Code: "PARTY_DUTY", Parent: "DPARTY", Weight: 50},
			{Code: "PARTY_CLEAN", Parent: "DPARTY", Weight: 50},
			{Code: "SERVICE", Name: "服务评价", Weight: 15, Weights: w{"social": 15}},
			{Code: "DEPT_SERVICE", Parent: "SERVICE", Weight: 60},
			{Code: "PUBLIC_SAT", Parent: "SERVICE", Weight: 40, Rating: votes},
			{Code: "DED_FINDINGS", Cap: 10},
			{Code: "VETO_SAFETY"},
		},
		DeductionCap: 10,
		FindingRules: teamRules(),
		Rating:       score.RatingPolicy{Groups: []score.RaterGroup{{Code: "public", Name: "群众", Weight: 1}}, MinGroupSize: 3, Grades: survey.Grades()},
		Grading: score.Grading{
			Bands:  []score.Band{{Grade: "好", Min: 85}, {Grade: "较好", Min: 70}, {Grade: "一般", Min: 60}, {Grade: "较差", Min: 0}},
			Quotas: []score.Quota{{Grade: "好", Share: 0.3}},
			Blocks: []score.Block{{When: score.BlockVeto}},
		},
	}
}

// votes tallies a qualitative leaf from the grades of a democratic
// evaluation, as the mean points of the votes; asPoints scores those
// points as they are (0–100), not relative to the other cadres, so that
// the grade bands below mean what they say.
var (
	votes    = score.RatingSpec{Source: score.FromVotes}
	asPoints = score.Normalisation{Method: score.Goalposts, Low: ptr(0.0), High: ptr(100.0)}
)

// cadreDoc is the cadre scheme: political quality first, then 德、能、勤、绩、廉.
func cadreDoc() *score.Scheme {
	return &score.Scheme{
		Name: "领导干部年度考核方案",
		Indicators: []score.Indicator{
			{Code: "C_POL", Name: "政治素质", Weight: 25},
			{Code: "CADRE_LOYALTY", Parent: "C_POL", Weight: 60, Rating: votes, Normalise: asPoints},
			{Code: "CADRE_STANCE", Parent: "C_POL", Weight: 40, Rating: votes, Normalise: asPoints},
			{Code: "C_DE", Name: "德", Weight: 10},
			{Code: "CADRE_MORAL", Parent: "C_DE", Weight: 100, Rating: votes, Normalise: asPoints},
			{Code: "C_NENG", Name: "能", Weight: 15},
			{Code: "CADRE_ABILITY", Parent: "C_NENG", Weight: 100, Rating: votes, Normalise: asPoints},
			{Code: "C_QIN", Name: "勤", Weight: 10},
			{Code: "CADRE_DILIGENCE", Parent: "C_QIN", Weight: 100, Rating: votes, Normalise: asPoints},
			{Code: "C_JI", Name: "绩", Weight: 30},
			{Code: "CADRE_RESULTS", Parent: "C_JI", Weight: 100, Rating: votes, Normalise: asPoints},
			{Code: "C_LIAN", Name: "廉", Weight: 10},
			{Code: "CADRE_INTEGRITY", Parent: "C_LIAN", Weight: 100, Rating: votes, Normalise: asPoints},
			{Code: "CADRE_DISCIPLINE"},
			{Code: "CADRE_FINDINGS", Cap: 10},
		},
		FindingRules: cadreRules(),
		// The groups of the demo's democratic evaluations (demoGroups).
		Rating: score.RatingPolicy{Groups: []score.RaterGroup{
			{Code: "superior", Name: "上级", Weight: 0.3}, {Code: "peer", Name: "同级", Weight: 0.3},
			{Code: "subordinate", Name: "下级", Weight: 0.2}, {Code: "client", Name: "服务对象", Weight: 0.2}},
			MinGroupSize: 3, Grades: survey.Grades()},
		// A cadre with too few inputs gets no grade rather than the lowest.
		Grading: score.Grading{
			Bands:  []score.Band{{Grade: "优秀", Min: 90}, {Grade: "称职", Min: 70}, {Grade: "基本称职", Min: 60}, {Grade: "不称职", Min: 0}},
			Quotas: []score.Quota{{Grade: "优秀", Share: 0.2}},
			// The grade consequences of sanctions (decision 0114): a 诫勉,
			// 组织处理 or 警告 in effect in the year bars 优秀; 记过 or heavier
			// in effect, or an open investigation (暂缓确定等次), leaves the
			// cadre ungraded.
			Blocks: []score.Block{{When: score.BlockVeto, Grades: []string{"优秀", "称职"}}, {When: score.BlockSanction, Grades: []string{"优秀"}},
				{When: score.BlockFlag, Flag: finding.FlagSanctionWarning, Grades: []string{"优秀"}}},
			NoGrade:      score.DefaultNoGrade,
			NoGradeFlags: []string{score.FlagInsufficientData, finding.FlagSanctionGrave, finding.FlagUnderInvestigation},
		},
	}
}

// demoScheme is one scheme of the demo and its versions, oldest first.
type demoScheme struct {
	s        scheme.Scheme
	versions []scheme.Draft
	// active is the number of the version left active (the others before
	// it are retired).
	active int
}

func demoSchemes() []demoScheme {
	return []demoScheme{
		{s: scheme.Scheme{Code: countySchemeCode, Name: "县（市、区）领导班子综合考核", Subject: scheme.SubjectUnit,
			Categories:  []string{"urban", "agri", "eco"},
			Description: "按城区/经济发达地区、农业主产区、生态功能区分类设置指标权重。"},
			versions: []scheme.Draft{
				{Doc: countyDoc(false), Reason: "初始版本", EffectiveCycle: "2024年度", EffectiveFrom: "2024-01-01"},
				{Doc: countyDoc(true), Reason: "提高科技创新权重：落实创新驱动发展战略，经济发展权重相应下调",
					EffectiveCycle: "2025年度", EffectiveFrom: "2025-01-01"},
				{Doc: countyDocOrdinary(), Reason: "年度考核纳入全年平时考核结果：各季度平时考核总分按权重折算计入",
					EffectiveCycle: "2026年度", EffectiveFrom: "2026-01-01"},
			}, active: 3},
		{s: scheme.Scheme{Code: "qingzhou-dept-team", Name: "市直部门领导班子考核", Subject: scheme.SubjectUnit,
			Categories: []string{"econ", "social", "party"}},
			versions: []scheme.Draft{{Doc: deptDoc(), Reason: "初始版本", EffectiveCycle: "2025年度", EffectiveFrom: "2025-01-01"}},
			active:   1},
		{s: scheme.Scheme{Code: cadreSchemeCode, Name: "县（市、区）领导干部年度考核", Subject: scheme.SubjectPerson,
			Categories: []string{"urban", "agri", "eco"}},
			versions: []scheme.Draft{{Doc: cadreDoc(), Reason: "初始版本", EffectiveCycle: "2025年度", EffectiveFrom: "2025-01-01"}},
			active:   1},
	}
}

// buildSchemes adds the missing demo data items, the library and the
// schemes of the first city, through the services, as the system.
func buildSchemes(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	depts := map[string]*org.Unit{}
	for _, d := range city.depts {
		depts[d.spec.name] = d.unit
	}
	items := collect.NewService(b.d, auth.Policy{})
	for _, it := range demoItems {
		if _, err := items.Item(ctx, b.actor, it.code); err == nil {
			continue
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		owner, ok := depts[it.dept]
		if !ok {
			return fmt.Errorf("data item %s: no department %s in %s", it.code, it.dept, city.unit.Name)
		}
		ci := collect.Item{Code: it.code, Name: it.name, Measure: it.measure, OwnerID: owner.ID,
			Frequency: collect.Annual, Type: it.typ, EntityKind: collect.EntityUnit,
			UnitKind: org.KindRegion, UnitLevel: org.LevelCounty}
		if it.departments {
			ci.UnitKind, ci.UnitLevel = org.KindDepartment, org.LevelCity
		}
		if _, err := items.CreateItem(ctx, b.actor, ci); err != nil {
			return fmt.Errorf("data item %s: %w", it.code, err)
		}
	}
	s := scheme.NewService(b.d, auth.Policy{}, sources.Scheme()...)
	for _, ind := range demoLibrary {
		if _, err := s.SaveIndicator(ctx, b.actor, ind); err != nil {
			return fmt.Errorf("indicator %s: %w", ind.Code, err)
		}
	}
	for _, ds := range demoSchemes() {
		ds.s.OwnerUnitID = city.unit.ID
		sc, err := s.CreateScheme(ctx, b.actor, ds.s)
		if err != nil {
			return fmt.Errorf("scheme %s: %w", ds.s.Code, err)
		}
		for k, d := range ds.versions {
			v, err := s.CreateVersion(ctx, b.actor, sc.ID, d)
			if err != nil {
				return fmt.Errorf("scheme %s version %d: %w", ds.s.Code, k+1, err)
			}
			if k+1 <= ds.active {
				if _, err := s.Activate(ctx, b.actor, v.ID); err != nil {
					return err
				}
			}
		}
	}
	b.logf("schemes: %d indicators, %d schemes", len(demoLibrary), len(demoSchemes()))
	return nil
}
func ptr[T any](v T) *T { return &v }
