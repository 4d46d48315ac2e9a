package demo

import (
	"context"
	"fmt"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/review"
)

// The reviews step builds 政务服务"好差评": every county's 政务服务中心 and
// three departments of the first city keep six service items each, with a
// year (2025) of cases and the reviews their windows' devices, the 12345
// hotline and the QR posters took; every 差评 opened a work order, which
// the unit took through its steps at the dates they happened — most
// closed in time, some late, a few still in every open state and
// overdue, escalated to the superior; 清河区 appealed one review as
// malicious, waiting for the office. On the build's day a burst of QR
// reviews from one phone is held by the fraud checks. The metrics of 2025
// are published as the review system's data items.

// reviewItems are the service items of a 政务服务中心, with their windows.
var reviewItems = []struct{ code, name, window string }{
	{"001", "不动产登记", "不动产登记窗口"},
	{"002", "营业执照办理", "市场准入窗口"},
	{"003", "社会保险参保登记", "社保医保窗口"},
	{"004", "医疗费用报销", "社保医保窗口"},
	{"005", "户籍业务办理", "公安综合窗口"},
	{"006", "建设工程施工许可", "工程建设项目审批窗口"},
}

// The shape of the demo's year.
const (
	casesPerItem = 40   // cases of an item in 2025
	reviewShare  = 0.75 // of cases reviewed
	burstReviews = 8    // QR reviews from one phone on the build's day
)

// reviewLevel draws a level: mostly 非常满意, a few 差评.
func reviewLevel(x float64) review.Level {
	switch {
	case x < 0.80:
		return review.VerySatisfied
	case x < 0.91:
		return review.Satisfied
	case x < 0.955:
		return review.Fair
	case x < 0.985:
		return review.Unsatisfied
	}
	return review.VeryUnsatisfied
}

var demoComplaints = []string{"材料要求前后不一致，跑了三趟", "排队时间太长，叫号系统故障", "窗口人员态度生硬", "办理时限超过承诺时间",
	"网上预约后到现场仍需重新提交材料"}

func buildReviews(ctx context.Context, b *builder) error {
	r := b.rand("reviews")
	rs := review.NewService(b.d, auth.Policy{}, collect.NewService(b.d, auth.Policy{}))
	type unitRec struct {
		id   int64
		name string
	}
	var units []unitRec
	for _, c := range b.j.cities {
		for _, co := range c.counties {
			units = append(units, unitRec{co.unit.ID, co.unit.Name})
		}
	}
	for _, d := range b.j.cities[0].depts {
		switch d.spec.abbr {
		case "SCJG", "ZRZY", "ZJJ":
			units = append(units, unitRec{d.unit.ID, d.unit.Name})
		}
	}
	// The steps of the year happen on their own dates: the build's clock
	// stands at each while it writes them.
	now := b.d.Clock
	defer func() { b.d.Clock = now }()
	at := func(t time.Time) { b.d.Clock = func() time.Time { return t } }
	start := time.Date(2025, 1, 2, 1, 0, 0, 0, time.UTC)
	orders, reviews := 0, 0
	for _, u := range units {
		var cases []review.CaseIn
		var ins []review.ReviewIn
		for _, it := range reviewItems {
			if _, err := rs.SaveItem(ctx, b.actor, review.Item{UnitID: u.id, Code: it.code, Name: it.name, Window: it.window}); err != nil {
				return fmt.Errorf("%s: %w", u.name, err)
			}
			for k := range casesPerItem {
				day := start.AddDate(0, 0, r.IntN(355))
				n := fmt.Sprintf("2025%s%04d", it.code, k+1)
				ch := []string{"device", "device", "device", "web", "mobile", "qr"}[r.IntN(6)]
				cases = append(cases, review.CaseIn{Number: n, Item: it.code, FinishedOn: day.Format(time.DateOnly), Channel: ch})
				if r.Float64() >= reviewShare {
					continue
				}
				lv := reviewLevel(r.Float64())
				rv := review.ReviewIn{Number: n, Channel: ch, Level: string(lv),
					ReviewedAt: day.Add(time.Duration(9+r.IntN(8)) * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")}
				if lv.Bad() {
					rv.Comment = demoComplaints[r.IntN(len(demoComplaints))]
					if r.IntN(3) > 0 {
						rv.Contact = fmt.Sprintf("139%08d", r.IntN(100000000))
					}
				}
				ins = append(ins, rv)
			}
		}
		if _, err := rs.ImportCases(ctx, b.actor, u.id, cases, "政务服务系统办件导入（演示）"); err != nil {
			return fmt.Errorf("cases of %s: %w", u.name, err)
		}
		if _, err := rs.ImportReviews(ctx, b.actor, u.id, ins, "评价器、12345热线评价导入（演示）"); err != nil {
			return fmt.Errorf("reviews of %s: %w", u.name, err)
		}
		reviews += len(ins)
	}
	// Every work order, oldest first, goes as far as its lot says.
	list, err := rs.Orders(ctx, b.actor, review.OrderFilter{Limit: 5000})
	if err != nil {
		return err
	}
	for k, o := range list {
		opened, _ := time.Parse(time.DateOnly, o.OpenedOn)
		// Lots: 0–6 closed in time, 7 closed late, 8–13 stop in an open
		// state (a few of each), the December ones still open anyway.
		lot := k % 14
		stop := review.Closed
		if lot >= 8 {
			stop = review.States[(lot-8)%5]
		}
		late := lot == 7
		day := opened.Add(2 * time.Hour)
		for _, mv := range []struct {
			to    review.State
			note  string
			after int
		}{
			{review.Verifying, "已签收，转窗口负责人核实", 0},
			{review.Rectifying, "经核实情况属实，制定整改措施", 1},
			{review.Replied, "已完成整改并电话告知评价人", 6},
			{review.Visited, "电话回访，评价人对整改结果表示满意", 1},
			{review.Closed, "办结", 1},
		} {
			if o.State == stop || (stop != review.Closed && indexOf(mv.to) > indexOf(stop)) {
				break
			}
			if mv.to == review.Visited && !o.Named {
				continue
			}
			day = day.AddDate(0, 0, mv.after)
			if late && mv.to == review.Replied {
				day = day.AddDate(0, 0, 30)
			}
			if day.After(now()) {
				break
			}
			at(day)
			st := review.Step{To: mv.to, Note: mv.note}
			switch mv.to {
			case review.Verifying:
				st.Owner = "窗口负责人"
			case review.Visited:
				st.Satisfaction = review.VisitSatisfied
			}
			if o, err = rs.Advance(ctx, b.actor, o.ID, st); err != nil {
				return fmt.Errorf("work order %s to %s: %w", o.Number, mv.to, err)
			}
		}
		orders++
	}
	b.d.Clock = now
	// The overdue orders go to the superiors; 清河区 appeals one review.
	escalated, err := rs.Escalate(ctx, b.actor, b.j.province.ID)
	if err != nil {
		return err
	}
	qinghe := b.j.cities[0].counties[0].unit
	appealed := false
	for _, o := range list {
		if o.UnitID == qinghe.ID && o.State != review.Closed {
			if _, err := rs.FileAppeal(ctx, b.actor, o.ReviewID, review.Malicious, "经调取窗口监控，评价人当日未到窗口办理该事项，系他人代为恶意评价。"); err != nil {
				return err
			}
			appealed = true
			break
		}
	}
	held, err := buildBurst(ctx, b, rs, qinghe.ID)
	if err != nil {
		return err
	}
	if _, err := rs.PublishMetrics(ctx, b.actor, b.j.province.ID, "2025"); err != nil {
		return err
	}
	b.logf("reviews: %d units, %d reviews, %d work orders (%d escalated), appeal %v, %d held", len(units), reviews, orders, escalated, appealed, held)
	return nil
}

func indexOf(s review.State) int {
	for i, t := range review.States {
		if t == s {
			return i
		}
	}
	return -1
}

// buildBurst has one phone review a run of 清河区's cases finished on the
// build's day by QR within minutes: the fraud checks hold the reviews past
// the burst limit. It returns how many were held.
func buildBurst(ctx context.Context, b *builder, rs *review.Service, unit int64) (int, error) {
	today := b.d.Clock().In(collect.Beijing).Format(time.DateOnly)
	var cases []review.CaseIn
	for k := range burstReviews {
		cases = append(cases, review.CaseIn{Number: fmt.Sprintf("QR%s%02d", today[:4], k+1), Item: "002", FinishedOn: today, Channel: "qr"})
	}
	if _, err := rs.ImportCases(ctx, b.actor, unit, cases, "政务服务系统办件导入（演示）"); err != nil {
		return 0, err
	}
	items, err := rs.Items(ctx, b.actor, unit)
	if err != nil {
		return 0, err
	}
	var item int64
	for _, it := range items {
		if it.Code == "002" {
			item = it.ID
		}
	}
	held := 0
	for _, c := range cases {
		rec, err := rs.Submit(ctx, review.Submission{ItemID: item, Number: c.Number, Channel: review.ChannelQR, Level: review.VerySatisfied,
			Device: "demo-burst-phone", Addr: "203.0.113.7"})
		if err != nil {
			return 0, fmt.Errorf("burst review %s: %w", c.Number, err)
		}
		if rec.Held {
			held++
		}
	}
	return held, nil
}
