package demo

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// The findings step records what the city's supervisory bodies found in
// 2025 and early 2026 across the counties of 青州市 — the 纪委监委 (patrols
// and discipline inspection, as jiwei), the 审计局 (as shenji), the
// 应急管理局 and 生态环境局 (inspections), the 信访局, the 统计局 and a
// county 统计局 (statistical inspection) — each about a unit of its
// jurisdiction and naming some of its cadres, most notified to them. The
// cadre sign-in (清河区区长) has one notified minor finding and one not yet
// notified, which she does not see. One finding is revised after review
// and two keep their feedback as evidence, so that the pages show a
// history. The 审计局 transfers two clues to the 纪委监委 (线索移送): one
// received and concluded, one awaiting its receipt on jiwei's home.

// demoFinding is a finding of the demo: the body (a city department by its
// abbreviation, or "county" for the county's 统计局), the county it is
// about (an index of the city's counties), the unit there ("" the county
// itself, "town" its first township, a city department's abbreviation),
// and the seats of the cadres it names there ("login" for the cadre
// sign-in).
type demoFinding struct {
	body     string
	county   int
	unit     string
	source   finding.Source
	category finding.Category
	severity finding.Severity
	found    string
	ref      string
	title    string
	desc     string
	named    []string
	notified string
	evidence bool
}

var demoFindings = []demoFinding{
	{body: "JWJW", county: 0, source: finding.SourceDiscipline, category: finding.CategoryIntegrity, severity: finding.SeverityMajor,
		found: "2025-04-18", ref: "青纪监函〔2025〕21号", title: "违规发放津补贴",
		desc: "2024年以节日慰问名义向机关干部发放购物卡，合计12.6万元，违反中央八项规定精神。", named: []string{"county.exec"},
		notified: "2025-05-12", evidence: true},
	{body: "JWJW", county: 0, source: finding.SourcePatrol, category: finding.CategoryWorkStyle, severity: finding.SeverityMinor,
		found: "2025-09-12", ref: "青巡反〔2025〕7号", title: "重大事项请示报告不及时",
		desc: "市委第二巡察组反馈：区政府2025年上半年两项重大投资事项未按规定及时向区委请示报告。", named: []string{"login"},
		notified: "2025-10-09"},
	{body: "JWJW", county: 0, source: finding.SourcePatrol, category: finding.CategoryWorkStyle, severity: finding.SeverityMinor,
		found: "2026-02-06", ref: "青巡反〔2026〕2号", title: "督查检查考核事项过多",
		desc: "巡察发现区政府部门2025年自行组织督查检查考核事项超出年度计划，基层负担较重。", named: []string{"login", "county.deputy"}},
	{body: "JWJW", county: 1, source: finding.SourcePatrol, category: finding.CategoryTasks, severity: finding.SeverityMinor,
		found: "2025-06-20", ref: "青巡反〔2025〕4号", title: "巡察整改任务推进缓慢",
		desc: "上轮巡察反馈的6项整改任务中，2项未按期完成，整改台账更新不及时。", named: []string{"county.secretary"},
		notified: "2025-07-08"},
	{body: "SJJ", county: 1, source: finding.SourceAudit, category: finding.CategoryFinance, severity: finding.SeverityMajor,
		found: "2025-08-05", ref: "青审报〔2025〕15号", title: "专项资金闲置未及时统筹使用",
		desc: "审计发现乡村振兴衔接资金1,850万元闲置超过一年，未按规定收回统筹使用。", named: []string{"county.head"},
		notified: "2025-09-01", evidence: true},
	{body: "SJJ", county: 0, unit: "ZJJ", source: finding.SourceAudit, category: finding.CategoryFinance, severity: finding.SeverityMinor,
		found: "2025-11-20", ref: "青审报〔2025〕22号", title: "工程结算审核不严",
		desc: "市住房和城乡建设局2个保障性住房项目工程结算多计工程款43万元，已督促追回。", named: []string{"cdept.head"},
		notified: "2025-12-15"},
	{body: "SJJ", county: 2, source: finding.SourceAudit, category: finding.CategoryFinance, severity: finding.SeveritySevere,
		found: "2026-01-15", ref: "青审报〔2026〕3号", title: "违规举债融资",
		desc: "审计发现以政府购买服务名义变相举债2.3亿元，新增隐性债务。", named: []string{"county.head", "county.exec"}},
	{body: "SJJ", county: 5, source: finding.SourceAudit, category: finding.CategoryTasks, severity: finding.SeverityMinor,
		found: "2026-01-08", ref: "青审报〔2026〕1号", title: "重点项目建设进度滞后",
		desc: "政策落实跟踪审计发现3个省重点项目年度投资完成率低于60%。", named: []string{"county.deputy"}, notified: "2026-02-05"},
	{body: "YJGL", county: 2, source: finding.SourceInspection, category: finding.CategorySafety, severity: finding.SeverityMajor,
		found: "2025-03-28", ref: "青安督〔2025〕9号", title: "安全生产隐患整改不到位",
		desc: "安全生产专项督查发现2家危化品企业重大隐患未按期整改销号。", notified: "2025-04-15"},
	{body: "STHJ", county: 3, source: finding.SourceInspection, category: finding.CategoryEnvironment, severity: finding.SeverityMinor,
		found: "2025-07-09", ref: "青环督〔2025〕5号", title: "河道非法采砂整治不彻底",
		desc: "生态环境督察发现辖区河段仍有2处非法采砂点未彻底取缔。", named: []string{"county.deputy"}, notified: "2025-07-30"},
	{body: "XFJ", county: 3, source: finding.SourcePetition, category: finding.CategoryStability, severity: finding.SeverityMinor,
		found: "2025-12-02", ref: "青信督〔2025〕11号", title: "信访积案化解超期",
		desc: "市信访局督查发现3件重复信访积案超过办理期限未化解。", notified: "2025-12-20"},
	{body: "TJJ", county: 4, source: finding.SourceStatistics, category: finding.CategoryStatistics, severity: finding.SeverityMajor,
		found: "2025-05-22", ref: "青统督〔2025〕3号", title: "规上工业企业虚报产值",
		desc: "统计督察发现4家规模以上工业企业2024年虚报产值合计3.1亿元，区县统计部门审核把关不严。", named: []string{"county.head"},
		notified: "2025-06-18"},
	{body: "county", county: 0, unit: "town", source: finding.SourceStatistics, category: finding.CategoryStatistics, severity: finding.SeverityMinor,
		found: "2025-10-15", ref: "统督〔2025〕2号", title: "乡镇统计台账不规范",
		desc: "统计督察抽查发现统计台账原始记录缺失，部分数据无法溯源。", named: []string{"town.head"}, notified: "2025-10-30"},
	{body: "JWJW", county: 3, source: finding.SourcePetition, category: finding.CategoryIntegrity, severity: finding.SeverityMajor,
		found: "2025-08-20", ref: "青纪信〔2025〕36号", title: "反映违规插手工程项目",
		desc: "匿名信访举报反映该同志违规插手县城道路改造工程招投标。", named: []string{"county.secretary"},
		notified: "2025-09-05"},
	{body: "JWJW", county: 4, source: finding.SourceDiscipline, category: finding.CategoryIntegrity, severity: finding.SeverityMinor,
		found: "2026-02-10", ref: "青纪监函〔2026〕4号", title: "违规收受礼品礼金",
		desc: "群众反映有关干部春节期间收受管理服务对象礼品，经初步核实部分属实。", named: []string{"county.standing"}},
}

// buildFindings records the demo's findings through the service, as the
// bodies: jiwei and shenji for the 纪委监委 and the 审计局, the system
// naming the body for the others, which have no sign-in.
func buildFindings(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	svc := finding.NewService(b.d, auth.Policy{})
	users := auth.NewService(b.d, auth.Policy{}, org.GrantUnits{})
	actors := map[string]*auth.Actor{}
	for _, l := range []struct{ abbr, login string }{{"JWJW", "jiwei"}, {"SJJ", "shenji"}} {
		u, err := users.UserByLogin(ctx, b.actor, l.login)
		if err != nil {
			return fmt.Errorf("sign-in %s: %w", l.login, err)
		}
		actors[l.abbr] = u.Actor()
	}
	dept := func(depts []*deptRec, abbr string) *org.Unit {
		for _, d := range depts {
			if d.spec.abbr == abbr {
				return d.unit
			}
		}
		return nil
	}
	holder := func(u *org.Unit, role string) *org.Person {
		if role == "login" {
			return b.c.login.person
		}
		for _, s := range b.c.seats {
			if s.unit.ID == u.ID && s.role == role && s.holder != nil {
				return s.holder.person
			}
		}
		return nil
	}
	n := 0
	created := map[string]*finding.Finding{}
	for i, df := range demoFindings {
		if df.county >= len(city.counties) {
			continue
		}
		k := city.counties[df.county]
		a, body := actors[df.body], dept(city.depts, df.body)
		if df.body == "county" {
			body = dept(k.depts, "TJJ")
		}
		unit := k.unit
		switch {
		case df.unit == "town":
			unit = k.towns[0].unit
		case df.unit != "":
			unit = dept(city.depts, df.unit)
		}
		if body == nil || unit == nil {
			return fmt.Errorf("finding %d: no body %s or unit %s", i, df.body, df.unit)
		}
		d := finding.Draft{BodyID: body.ID, Source: df.source, Category: df.category, Severity: df.severity, FoundOn: df.found,
			Reference: df.ref, Title: df.title, Description: df.desc, UnitID: unit.ID}
		for _, role := range df.named {
			p := holder(unit, role)
			if p == nil {
				return fmt.Errorf("finding %d: nobody holds %s in %s", i, role, unit.Name)
			}
			d.PersonIDs = append(d.PersonIDs, p.ID)
		}
		if a == nil {
			a = b.actor
		}
		var files []finding.Upload
		if df.evidence {
			files = []finding.Upload{{Name: df.ref + "反馈意见.pdf", Data: demoEvidence}}
		}
		f, err := svc.Create(ctx, a, d, files)
		if err != nil {
			return fmt.Errorf("finding %s: %w", df.title, err)
		}
		created[df.title] = f
		if i == 4 { // the audit office revises a finding after the county's explanation
			d.Severity, d.Description = finding.SeverityMinor, df.desc+"经复核，其中620万元已于2025年7月拨付项目单位，闲置资金调整为1,230万元。"
			if _, err := svc.Update(ctx, a, f.ID, d, "被审计单位提供拨付凭证，复核后调整问题金额和严重程度"); err != nil {
				return fmt.Errorf("finding %s: %w", df.title, err)
			}
		}
		if df.notified != "" {
			if _, err := svc.Notify(ctx, a, f.ID, df.notified, "书面反馈"); err != nil {
				return fmt.Errorf("finding %s: %w", df.title, err)
			}
		}
		n++
	}
	if err := reviewFindings(ctx, b, svc, actors["JWJW"], created); err != nil {
		return err
	}
	if err := transferFindings(ctx, svc, actors["SJJ"], actors["JWJW"], dept(city.depts, "JWJW"), created); err != nil {
		return err
	}
	b.logf("findings: %d recorded by the city's supervisory bodies; one exempted after review, one cleared as a false accusation, "+
		"two transferred by the 审计局 to the 纪委监委, one of them concluded", n)
	return nil
}

// reviewFindings takes two findings through review as the city office: the
// audit's idle funds (专项资金闲置), which the county head's office shows was
// exploratory work remedied in time, is exempted (容错免责) step by step
// with every checklist item answered; the anonymous report that a county
// secretary rigged a tender is cleared as a false accusation (澄清正名) by
// the 纪委监委 that recorded it.
func reviewFindings(ctx context.Context, b *builder, svc *finding.Service, jiwei *auth.Actor, created map[string]*finding.Finding) error {
	city := b.j.cities[0]
	office := &auth.Actor{Login: "system:demo", Name: city.unit.Name + "委组织部考核办", Lang: auth.DefaultLang,
		Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: city.unit.ID, UnitPath: city.unit.Path}}}
	byTitle := func(title string) (*finding.Finding, error) {
		if f := created[title]; f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("no finding %s", title)
	}
	// The review is recorded as it happens, so its meeting and feedback
	// fall on the day of the build.
	today := b.d.Clock().In(collect.Beijing).Format(time.DateOnly)
	idle, err := byTitle("专项资金闲置未及时统筹使用")
	if err != nil {
		return err
	}
	var person int64
	if len(idle.People) > 0 {
		person = idle.People[0].ID
	}
	ex, err := svc.ApplyExemption(ctx, office, idle.ID, finding.Application{PersonID: person,
		Statement: "资金闲置系因省级项目库调整后按新规划重新论证，属探索推进乡村振兴项目储备机制中的程序性失误，已于2025年9月全部拨付使用。"})
	if err != nil {
		return fmt.Errorf("apply for exemption: %w", err)
	}
	if _, err := svc.VerifyExemption(ctx, office, ex.ID, "经核实，资金未挪作他用，无个人谋利，2025年9月已全部拨付，未造成损失。"); err != nil {
		return fmt.Errorf("verify the exemption: %w", err)
	}
	if _, err := svc.DeliberateExemption(ctx, office, ex.ID, finding.Deliberation{MeetingOn: today, Body: "市委组织部部务会",
		Conclusion: "符合“三个区分开来”要求，同意免责。"}); err != nil {
		return fmt.Errorf("deliberate the exemption: %w", err)
	}
	notes := map[finding.Criterion]string{
		finding.CriterionPublicInterest: "为推进项目储备，无个人谋利",
		finding.CriterionMistake:        "程序性失误，非故意",
		finding.CriterionExploratory:    "探索性工作，未违反明令禁止规定",
		finding.CriterionRemedied:       "已于2025年9月全部拨付",
		finding.CriterionNoGraveHarm:    "未造成资金损失",
	}
	var checks []finding.Check
	for _, c := range finding.Criteria {
		checks = append(checks, finding.Check{Criterion: c, Answer: "yes", Note: notes[c]})
	}
	if _, err := svc.DecideExemption(ctx, office, ex.ID, finding.Decision{Outcome: finding.OutcomeExempt,
		Rationale: "出于公心、探索性工作中的失误，且及时纠正、未造成损失，予以免责。", Checks: checks}); err != nil {
		return fmt.Errorf("decide the exemption: %w", err)
	}
	if _, err := svc.FeedBackExemption(ctx, office, ex.ID, finding.Feedback{Day: today, To: "书面告知本人及所在单位",
		Note: "免责决定已送达。"}); err != nil {
		return fmt.Errorf("feed the exemption back: %w", err)
	}
	report, err := byTitle("反映违规插手工程项目")
	if err != nil {
		return err
	}
	if _, err := svc.Clarify(ctx, jiwei, report.ID, finding.Clarification{Kind: finding.AccusationFalse,
		Alleged:    "匿名举报该同志违规插手县城道路改造工程招投标。",
		Found:      "经调取招投标全过程资料、询问评标专家和投标企业，未发现该同志打招呼、干预评标等行为，举报所称事项与事实不符。",
		Conclusion: "举报失实，予以澄清正名。", PublishedOn: "2025-11-10", Audience: finding.AudienceSystem}); err != nil {
		return fmt.Errorf("clarify: %w", err)
	}
	return nil
}

// transferFindings has the 审计局 (shenji) transfer two clues to the 纪委
// 监委 (jiwei, body jiwei): the overpaid settlement, which the 纪委监委
// receives and concludes with its outcome; and the hidden debt, which
// awaits its receipt.
func transferFindings(ctx context.Context, svc *finding.Service, shenji, jiwei *auth.Actor, body *org.Unit, created map[string]*finding.Finding) error {
	if body == nil {
		return fmt.Errorf("transfer: no 纪委监委")
	}
	for _, tr := range []struct {
		title, sent, reason string
		done                bool
	}{
		{"工程结算审核不严", "2025-12-18", "审计发现工程结算多计工程款，相关人员涉嫌失职失责，按规定移送纪委监委处置。", true},
		{"违规举债融资", "2026-02-03", "以政府购买服务名义变相举债，涉嫌违反财经纪律和决策程序，移送纪委监委核查。", false},
	} {
		f := created[tr.title]
		if f == nil {
			return fmt.Errorf("transfer: no finding %s", tr.title)
		}
		t, err := svc.Transfer(ctx, shenji, f.ID, finding.Sending{ToBodyID: body.ID, SentOn: tr.sent, Reason: tr.reason})
		if err != nil {
			return fmt.Errorf("transfer %s: %w", tr.title, err)
		}
		if !tr.done {
			continue
		}
		if _, err := svc.Receive(ctx, jiwei, t.ID, finding.Receipt{Day: "2025-12-19", Receiver: "刘强", Note: "线索材料齐全，予以签收。"}); err != nil {
			return fmt.Errorf("receive %s: %w", tr.title, err)
		}
		if _, err := svc.Handle(ctx, jiwei, t.ID, finding.Handling{Day: "2026-01-26",
			Outcome: "移送纪委监委立案审查：对负有审核责任的2名干部立案审查，多计工程款43万元已全部追回。"}); err != nil {
			return fmt.Errorf("handle %s: %w", tr.title, err)
		}
	}
	return nil
}
