package demo

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
	"kaohe/internal/sources"
)

// feedbackCycleCode is the cycle whose reports the demo releases.
const feedbackCycleCode = "qingzhou-county-2025"

// buildFeedback releases the feedback reports of the 2025 county team
// cycle as they would stand after some weeks: 清河区's team appealed its
// 森林覆盖率, which the office corrected — a second snapshot version,
// whose reports were released in place of the first — and the office
// made rectification tasks of the problems: two done and verified on
// time, one overdue and escalated to the city's office, one still under
// way. The step runs on a clock set back 45 days, so that the deadlines
// fall where they would; the sweep that escalates runs at the build's
// time.
func buildFeedback(ctx context.Context, b *builder) error {
	cycles := cycle.NewService(b.d, auth.Policy{}, sources.Cycle())
	svc := feedback.NewService(b.d, auth.Policy{}, cycles, collect.NewService(b.d, auth.Policy{}))
	office, err := signInActor(ctx, b, auth.RoleOffice, "kaoheban")
	if err != nil {
		return err
	}
	cadre, err := signInActor(ctx, b, auth.RoleCadre, "ganbu")
	if err != nil {
		return err
	}
	var id int64
	all, err := cycles.Cycles(ctx, b.actor, cycle.Filter{Stage: cycle.Published})
	if err != nil {
		return err
	}
	for _, c := range all {
		if c.Code == feedbackCycleCode {
			id = c.ID
		}
	}
	if id == 0 {
		return fmt.Errorf("no published cycle %s", feedbackCycleCode)
	}
	now := b.d.Clock
	defer func() { b.d.Clock = now }()
	t0 := now().AddDate(0, 0, -45)
	at := func(days int) { b.d.Clock = func() time.Time { return t0.AddDate(0, 0, days) } }
	at(0)
	first, err := releaseAll(ctx, svc, office, id)
	if err != nil {
		return err
	}
	// 清河区 appeals its 森林覆盖率 on day 3; the office corrects it on day 4.
	qinghe := first["清河区"]
	if qinghe == nil {
		return fmt.Errorf("no report of 清河区")
	}
	at(2)
	if _, err := svc.Receive(ctx, cadre, qinghe.ID); err != nil {
		return err
	}
	forest := math.NaN()
	for _, ind := range qinghe.Content.Indicators {
		if ind.Code == "ECO_FOREST" {
			forest = float64(ind.Value)
		}
	}
	corrected := strconv.FormatFloat(math.Min(99, math.Round(forest*10+25)/10), 'f', 1, 64)
	at(3)
	ap, err := svc.File(ctx, cadre, qinghe.ID, feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST",
		Claimed: "森林覆盖率应为 " + corrected + "%", Reason: "2025年新造林 1.2 万亩已通过省级核查验收，报送时未计入。"})
	if err != nil {
		return err
	}
	at(4)
	if _, _, err := svc.AnswerAppeal(ctx, office, ap.ID, feedback.Answer{Correct: true, Value: corrected,
		Text: "经会同自然资源和规划局核实，新造林面积漏报属实，予以更正，结果重新计算并公布。"}); err != nil {
		return err
	}
	second, err := releaseAll(ctx, svc, office, id)
	if err != nil {
		return err
	}
	// The tasks, made on day 5 of the corrected reports.
	at(5)
	names := []string{"清河区"}
	for n := range second {
		if n != "清河区" && len(names) < 3 {
			names = append(names, n)
		}
	}
	if len(names) < 3 {
		return fmt.Errorf("the demo needs three county teams, has %d", len(second))
	}
	day := func(d int) string { return t0.AddDate(0, 0, d).Format(time.DateOnly) }
	type plan struct {
		report                       string
		problem, responsible, target string
		steps                        string
		deadline                     int
		done                         int // the day it was reported done and verified, 0 for never
	}
	plans := []plan{
		{names[0], "一般公共预算收入增速低于同组水平", "清河区财政局", "一般公共预算收入增速不低于全市平均", "盘活存量资产，加强税源培育", 20, 10},
		{names[1], "PM2.5年均浓度高于同组水平", names[1] + "生态环境分局", "PM2.5年均浓度下降 3 μg/m³", "开展扬尘和柴油货车专项治理", 25, 12},
		{names[2], "信访事项按期办结率偏低", names[2] + "信访局", "按期办结率达到 95% 以上", "建立信访事项督办台账，逐件销号", 30, 0},
		{names[0], "政府债务率偏高", "清河区财政局", "政府债务率下降 5 个百分点", "制定债务化解方案，严控新增隐性债务", 150, 0},
	}
	for _, p := range plans {
		t, err := svc.CreateTask(ctx, office, second[p.report].ID, feedback.TaskForm{Problem: p.problem, Responsible: p.responsible,
			Deadline: day(p.deadline), Target: p.target, Steps: p.steps})
		if err != nil {
			return err
		}
		if p.done == 0 {
			continue
		}
		at(p.done)
		if _, err := svc.Progress(ctx, office, t.ID, "整改完成，报送佐证材料。", true, "整改完成情况报告.pdf", demoPDF); err != nil {
			return err
		}
		if _, err := svc.Verify(ctx, office, t.ID, true, "经核验，整改到位。"); err != nil {
			return err
		}
		at(5)
	}
	b.d.Clock = now
	swept, err := svc.Sweep(ctx, b.actor)
	if err != nil {
		return err
	}
	b.logf("feedback: %d reports released, an appeal corrected into version 2, %d tasks (%d escalated)", len(second), len(plans), swept.Escalated)
	return nil
}

// demoPDF is the smallest PDF the evidence check accepts.
var demoPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// releaseAll drafts the reports of cycle id's published snapshot and
// releases each with its recommendations; it returns them by name.
func releaseAll(ctx context.Context, svc *feedback.Service, office *auth.Actor, id int64) (map[string]*feedback.Report, error) {
	if _, err := svc.Draft(ctx, office, id); err != nil {
		return nil, err
	}
	list, _, err := svc.Reports(ctx, office, feedback.ReportFilter{CycleID: id})
	if err != nil {
		return nil, err
	}
	out := map[string]*feedback.Report{}
	for _, s := range list {
		if !s.Current || s.Status != feedback.Draft {
			continue
		}
		r, err := svc.Report(ctx, office, s.ID)
		if err != nil {
			return nil, err
		}
		recs := []string{"坚持稳中求进工作总基调，巩固拓展优势领域工作成效。"}
		for _, p := range r.Content.Problems {
			if p.Kind == feedback.BelowGroup && len(recs) < 4 {
				recs = append(recs, "针对"+p.Name+"低于同组水平的问题，制定专项提升方案，明确责任单位和完成时限。")
			}
		}
		if _, err := svc.SetRecommendations(ctx, office, r.ID, recs); err != nil {
			return nil, err
		}
		if r, err = svc.Release(ctx, office, r.ID); err != nil {
			return nil, err
		}
		out[r.Name] = r
	}
	return out, nil
}

// signInActor returns the actor of the demo sign-in login, which holds
// role.
func signInActor(ctx context.Context, b *builder, role auth.Role, login string) (*auth.Actor, error) {
	var gs []auth.RoleGrant
	err := b.d.View(ctx, func(tx *db.Tx) (err error) {
		gs, err = auth.GrantsOf(ctx, tx, role)
		return err
	})
	if err != nil {
		return nil, err
	}
	paths := map[int64]string{}
	for _, u := range b.j.units {
		paths[u.ID] = u.Path
	}
	for _, g := range gs {
		if g.Login != login {
			continue
		}
		a := &auth.Actor{UserID: g.UserID, Login: g.Login, Name: g.Name, Lang: auth.DefaultLang,
			Grants: []auth.Grant{{Role: role, UnitID: g.UnitID, UnitPath: paths[g.UnitID]}}}
		for _, l := range b.sum.Logins {
			if l.Login == login {
				a.PersonID = l.PersonID
			}
		}
		return a, nil
	}
	return nil, fmt.Errorf("no sign-in %s", login)
}
