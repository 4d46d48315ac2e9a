package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Metrics are a unit's review figures for a period (a year): the counts
// they come from and the rates the package publishes.
type Metrics struct {
	UnitID int64
	Unit   string
	Period string
	// Cases finished in the period; Reviewed of them have a person's
	// review that counts (主动评价).
	Cases, Reviewed int
	// Counted reviews (a case's follow-up in place of its first review;
	// defaults included), of them Good and Bad, and their Points.
	Counted, Good, Bad int
	Points             float64
	// Orders opened for counted 差评; InSLA closed with the reply by the
	// deadline; Named of them 实名; NamedVisited of those visited; Visited
	// all visited, Satisfied of them 满意 or 基本满意 at the visit.
	Orders, InSLA, Named, NamedVisited, Visited, Satisfied int
	// Concentrated are the service items where 差评 concentrate.
	Concentrated []ItemCount
}

// ItemCount is a service item with its number of 差评.
type ItemCount struct {
	ItemID int64
	Item   string
	Bad    int
}

// The concentration rule: an item with at least concentrateMin 差评 that
// are at least concentrateShare of the unit's.
const (
	concentrateMin   = 2
	concentrateShare = 0.2
)

func rate(n, d int) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return float64(n) * 100 / float64(d), true
}

// ActiveRate is 主动评价率: reviewed cases / cases, in percent.
func (m *Metrics) ActiveRate() (float64, bool) { return rate(m.Reviewed, m.Cases) }

// GoodRate is 好评率 in percent of counted reviews.
func (m *Metrics) GoodRate() (float64, bool) { return rate(m.Good, m.Counted) }

// BadRate is 差评率 in percent of counted reviews.
func (m *Metrics) BadRate() (float64, bool) { return rate(m.Bad, m.Counted) }

// RectifyRate is 差评整改率: orders closed within their deadline / orders
// opened; 100 for a unit with reviews and no 差评.
func (m *Metrics) RectifyRate() (float64, bool) {
	if m.Orders == 0 {
		return 100, m.Counted > 0
	}
	return rate(m.InSLA, m.Orders)
}

// VisitRate is 实名差评回访率: named 差评 visited / named 差评; 100 for a
// unit with reviews and no named 差评.
func (m *Metrics) VisitRate() (float64, bool) {
	if m.Named == 0 {
		return 100, m.Counted > 0
	}
	return rate(m.NamedVisited, m.Named)
}

// VisitSatisfaction is 回访满意率: visits satisfied or basically
// satisfied / visits.
func (m *Metrics) VisitSatisfaction() (float64, bool) { return rate(m.Satisfied, m.Visited) }

// MeanPoints is the mean points of counted reviews.
func (m *Metrics) MeanPoints() (float64, bool) {
	if m.Counted == 0 {
		return 0, false
	}
	return m.Points / float64(m.Counted), true
}

// effective selects the counted reviews of a period that the statistics
// take: a case's follow-up in place of its first review on the channel.
const effective = `FROM reviews r WHERE r.period = $1 AND r.status = 'counted' AND (r.kind = 'follow' OR NOT EXISTS (
	SELECT 1 FROM reviews f WHERE f.case_id = r.case_id AND f.channel = r.channel AND f.kind = 'follow' AND f.status = 'counted'))`

// metrics computes the metrics of period for the units sc contains that
// have cases or reviews in it, by unit.
func metrics(ctx context.Context, tx *db.Tx, sc auth.Scope, period string) (map[int64]*Metrics, error) {
	out := map[int64]*Metrics{}
	get := func(id int64) *Metrics {
		m := out[id]
		if m == nil {
			m = &Metrics{UnitID: id, Period: period}
			out[id] = m
		}
		return m
	}
	each := func(q string, args []any, fn func(scan func(...any) error) error) error {
		if err := db.EachRow(ctx, tx, q, args, fn); err != nil {
			return fmt.Errorf("review metrics: %w", err)
		}
		return nil
	}
	args := []any{period}
	in := org.UnitInScopeSQL("r.unit_id", sc, &args)
	err := each(`SELECT r.unit_id, count(*), sum(CASE WHEN r.level IN ('very_satisfied', 'satisfied') THEN 1 ELSE 0 END),
		sum(CASE WHEN r.level IN ('unsatisfied', 'very_unsatisfied') THEN 1 ELSE 0 END), sum(r.points) `+effective+` AND `+in+`
		GROUP BY r.unit_id`, args, func(scan func(...any) error) error {
		var id int64
		var n, g, b int
		var p float64
		if err := scan(&id, &n, &g, &b, &p); err != nil {
			return err
		}
		m := get(id)
		m.Counted, m.Good, m.Bad, m.Points = n, g, b, p
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT r.unit_id, count(DISTINCT r.case_id) FROM reviews r WHERE r.period = $1 AND r.status = 'counted'
		AND r.is_default = 0 AND `+in+` GROUP BY r.unit_id`, args, func(scan func(...any) error) error {
		var id int64
		var n int
		if err := scan(&id, &n); err != nil {
			return err
		}
		get(id).Reviewed = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	cargs := []any{period + "-01-01", period + "-12-31"}
	err = each(`SELECT r.unit_id, count(*) FROM review_cases r WHERE r.finished_on >= $1 AND r.finished_on <= $2 AND `+
		org.UnitInScopeSQL("r.unit_id", sc, &cargs)+` GROUP BY r.unit_id`, cargs, func(scan func(...any) error) error {
		var id int64
		var n int
		if err := scan(&id, &n); err != nil {
			return err
		}
		get(id).Cases = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT o.unit_id, count(*), sum(o.closed_in_sla), sum(r.named),
		sum(CASE WHEN r.named = 1 AND o.satisfaction <> '' THEN 1 ELSE 0 END),
		sum(CASE WHEN o.satisfaction <> '' THEN 1 ELSE 0 END),
		sum(CASE WHEN o.satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END)
		FROM review_orders o JOIN reviews r ON r.id = o.review_id WHERE o.period = $1 AND r.status = 'counted' AND `+in+`
		GROUP BY o.unit_id`, args, func(scan func(...any) error) error {
		var id int64
		var n, sla, named, nv, v, s int
		if err := scan(&id, &n, &sla, &named, &nv, &v, &s); err != nil {
			return err
		}
		m := get(id)
		m.Orders, m.InSLA, m.Named, m.NamedVisited, m.Visited, m.Satisfied = n, sla, named, nv, v, s
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(`SELECT r.unit_id, r.item_id, i.name, count(*) FROM (SELECT r.unit_id, r.item_id `+effective+` AND `+in+`
		AND r.level IN ('unsatisfied', 'very_unsatisfied')) r JOIN service_items i ON i.id = r.item_id GROUP BY r.unit_id, r.item_id, i.name`,
		args, func(scan func(...any) error) error {
			var id int64
			var ic ItemCount
			if err := scan(&id, &ic.ItemID, &ic.Item, &ic.Bad); err != nil {
				return err
			}
			m := get(id)
			m.Concentrated = append(m.Concentrated, ic)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for _, m := range out {
		m.Concentrated = slices.DeleteFunc(m.Concentrated, func(ic ItemCount) bool {
			return ic.Bad < concentrateMin || float64(ic.Bad) < concentrateShare*float64(m.Bad)
		})
		slices.SortFunc(m.Concentrated, func(a, b ItemCount) int { return cmp.Or(cmp.Compare(b.Bad, a.Bad), cmp.Compare(a.Item, b.Item)) })
	}
	return out, nil
}

// UnitMetrics returns the metrics of period of the units in unit id's
// subtree that have cases or reviews, by name. The actor needs
// ActServiceRead on the unit.
func (s *Service) UnitMetrics(ctx context.Context, a *auth.Actor, unitID int64, period string) ([]*Metrics, error) {
	if !validPeriod(period) {
		return nil, errs.Field("period", "review.period_invalid", "a period is a year, e.g. 2025")
	}
	var out []*Metrics
	err := s.db.View(ctx, func(tx *db.Tx) error {
		u, err := s.unit(ctx, tx, a, auth.ActServiceRead, unitID)
		if err != nil {
			return err
		}
		ms, err := metrics(ctx, tx, auth.Scope{Subtrees: []string{u.Path}}, period)
		if err != nil {
			return err
		}
		out, err = named(ctx, tx, ms)
		return err
	})
	return out, err
}

// named gives metrics their units' names and sorts them by name.
func named(ctx context.Context, tx *db.Tx, ms map[int64]*Metrics) ([]*Metrics, error) {
	us, err := org.UnitsByID(ctx, tx, keys(ms))
	if err != nil {
		return nil, err
	}
	out := make([]*Metrics, 0, len(ms))
	for id, m := range ms {
		if u := us[id]; u != nil {
			m.Unit = u.Name
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *Metrics) int { return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.UnitID, b.UnitID)) })
	return out, nil
}

func validPeriod(p string) bool {
	if len(p) != 4 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
