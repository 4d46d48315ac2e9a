package review

import (
	"context"
	"math"
	"slices"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// The codes of the data items the review system owns and publishes.
const (
	ItemActiveRate        = "review.active_rate"        // 主动评价率
	ItemGoodRate          = "review.good_rate"          // 好评率
	ItemBadRate           = "review.bad_rate"           // 差评率
	ItemRectifyRate       = "review.rectify_rate"       // 差评整改率
	ItemVisitRate         = "review.visit_rate"         // 实名差评回访率
	ItemVisitSatisfaction = "review.visit_satisfaction" // 回访满意率
	ItemMeanPoints        = "review.mean_points"        // 平均分
	ItemBadItems          = "review.bad_items"          // 差评集中事项数
)

// itemDefs are the definitions of the system's data items, owned by the
// top unit of the jurisdiction (owner), annual, about units.
func itemDefs(owner int64) []*collect.Item {
	zero, hundred := 0.0, 100.0
	pct := func(code, name, desc string) *collect.Item {
		return &collect.Item{Code: code, Name: name, Measure: "%", OwnerID: owner, Frequency: collect.Annual, Type: collect.TypePercent,
			Min: &zero, Max: &hundred, EntityKind: collect.EntityUnit, Description: desc}
	}
	return []*collect.Item{
		pct(ItemActiveRate, "政务服务主动评价率", "好差评系统计算：本年度办结办件中有群众主动评价的比例。"),
		pct(ItemGoodRate, "政务服务好评率", "好差评系统计算：计入统计的评价中“非常满意”“满意”的比例。"),
		pct(ItemBadRate, "政务服务差评率", "好差评系统计算：计入统计的评价中“不满意”“非常不满意”的比例。"),
		pct(ItemRectifyRate, "政务服务差评整改率", "好差评系统计算：差评工单在整改时限内反馈并办结的比例。"),
		pct(ItemVisitRate, "实名差评回访率", "好差评系统计算：实名差评工单完成回访的比例，目标100%。"),
		pct(ItemVisitSatisfaction, "差评回访满意率", "好差评系统计算：回访时评价人表示满意或基本满意的比例。"),
		{Code: ItemMeanPoints, Name: "政务服务评价平均分", Measure: "分", OwnerID: owner, Frequency: collect.Annual, Type: collect.TypeNumber,
			Min: &zero, Max: &hundred, EntityKind: collect.EntityUnit, Description: "好差评系统计算：计入统计的评价按等级分值的平均分。"},
		{Code: ItemBadItems, Name: "差评集中事项数", Measure: "项", OwnerID: owner, Frequency: collect.Annual, Type: collect.TypeInteger,
			Min: &zero, EntityKind: collect.EntityUnit, Description: "好差评系统计算：差评不少于2件且占本单位差评20%以上的服务事项数。"},
	}
}

// publish computes the metrics of period for units (nil: every unit of sc
// with reviews) and publishes them through collect, for reason.
func (s *Service) publish(ctx context.Context, tx *db.Tx, a *auth.Actor, units []int64, period string, reason string) (*collect.Report, error) {
	us, err := org.UnitsByID(ctx, tx, units)
	if err != nil {
		return nil, err
	}
	var sc auth.Scope
	for _, u := range us {
		sc.Units = append(sc.Units, u.Path)
	}
	return s.publishScope(ctx, tx, a, sc, period, reason)
}

func (s *Service) publishScope(ctx context.Context, tx *db.Tx, a *auth.Actor, sc auth.Scope, period, reason string) (*collect.Report, error) {
	ms, err := metrics(ctx, tx, sc, period)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return &collect.Report{}, nil
	}
	us, err := org.UnitsByID(ctx, tx, keys(ms))
	if err != nil {
		return nil, err
	}
	var owner int64
	var vals []collect.Published
	for _, id := range sortedIDs(ms) {
		m, u := ms[id], us[id]
		if u == nil {
			continue
		}
		if owner == 0 {
			owner = pathIDs(u.Path)[0]
		}
		add := func(item string, v float64, ok bool) {
			if ok {
				vals = append(vals, collect.Published{EntityID: id, Item: item, Period: period, Value: math.Round(v*100) / 100})
			}
		}
		v, ok := m.ActiveRate()
		add(ItemActiveRate, v, ok)
		v, ok = m.GoodRate()
		add(ItemGoodRate, v, ok)
		v, ok = m.BadRate()
		add(ItemBadRate, v, ok)
		v, ok = m.RectifyRate()
		add(ItemRectifyRate, v, ok)
		v, ok = m.VisitRate()
		add(ItemVisitRate, v, ok)
		v, ok = m.VisitSatisfaction()
		add(ItemVisitSatisfaction, v, ok)
		v, ok = m.MeanPoints()
		add(ItemMeanPoints, v, ok)
		add(ItemBadItems, float64(len(m.Concentrated)), m.Counted > 0)
	}
	return s.collect.Publish(ctx, tx, a, collect.Publication{System: collect.SourceReview, Items: itemDefs(owner), Reason: reason, Values: vals})
}

// sortedIDs are the keys of ms in order, so that a publication's rows come
// in the same order every time.
func sortedIDs(ms map[int64]*Metrics) []int64 {
	ids := keys(ms)
	slices.Sort(ids)
	return ids
}

// PublishMetrics computes the metrics of period for every unit in unit
// id's subtree and publishes them as the review system's data items. The
// actor needs ActServiceDecide on the unit. It returns what collect wrote.
func (s *Service) PublishMetrics(ctx context.Context, a *auth.Actor, unitID int64, period string) (*collect.Report, error) {
	if !validPeriod(period) {
		return nil, errs.Field("period", "review.period_invalid", "a period is a year, e.g. 2025")
	}
	var out *collect.Report
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceDecide, unitID)
		if err != nil {
			return err
		}
		out, err = s.publishScope(ctx, tx, a, auth.Scope{Subtrees: []string{u.Path}}, period, "好差评统计重新计算（"+period+"年度）")
		if err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "review.publish", ObjectType: "unit", ObjectID: db.FormatID(unitID),
			UnitPath: u.Path, After: map[string]any{"period": period}})
	})
	return out, err
}
