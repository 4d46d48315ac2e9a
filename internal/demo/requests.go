package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// The requests step opens the collection of 2026: the city office asks
// for every demo item's 2026 values by a deadline five days after the
// build (in Beijing), so that its home has deadlines this week whenever
// the demo is built. The city 统计局 has sent its growth rate already, one
// county's far from its 2025 value and so flagged for the office's
// review; and the office has returned one of the county 统计局's township
// values with a reason, which tongji has to correct.

// requestDays is how many days after the build the 2026 values are due.
const requestDays = 5

// flaggedFactor multiplies one county's 2026 growth rate — a slipped
// decimal point — far beyond collect.FlagRatio, so it is flagged.
const flaggedFactor = 10

func buildRequests(ctx context.Context, b *builder) error {
	s := collect.NewService(b.d, auth.Policy{})
	due := b.d.Clock().In(collect.Beijing).AddDate(0, 0, requestDays).Format(time.DateOnly)
	for _, di := range demoItems {
		if err := s.SetDeadline(ctx, b.actor, di.code, "2026", due); err != nil {
			return err
		}
	}
	city := b.j.cities[0]
	prev, err := s.ItemValues(ctx, b.actor, city.unit.ID, "GDP_GROWTH", "2025")
	if err != nil {
		return err
	}
	var rows []collect.Row
	for k, ev := range prev.Rows {
		if ev.Value == nil {
			continue
		}
		v := round(ev.Value.Value-0.4+0.1*float64(k%5), 1)
		if k == 1 {
			v = round(ev.Value.Value*flaggedFactor, 1)
		}
		rows = append(rows, collect.Row{Line: len(rows) + 2, Entity: ev.Code, Item: "GDP_GROWTH", Period: "2026",
			Value: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	stats := &auth.Actor{Login: "system:demo", Name: prev.Item.OwnerName, Lang: auth.DefaultLang,
		Grants: []auth.Grant{{Role: auth.RoleProvider, UnitID: prev.Item.OwnerID, UnitPath: prev.Item.OwnerPath}}}
	rep, err := s.Submit(ctx, stats, collect.Batch{Source: collect.SourceAPI, Name: "demo", Rows: rows})
	if err != nil {
		return fmt.Errorf("2026 values of %s: %w", stats.Name, err)
	}
	county := city.counties[0]
	if len(county.towns) == 0 {
		return fmt.Errorf("%s has no townships", county.unit.Name)
	}
	town := county.towns[0].unit
	if _, err := s.Review(ctx, b.actor, town.ID, townItems[0].code, "2026Q2", collect.StatusReturned,
		"与乡镇统计年报口径不一致，请核实后重报"); err != nil {
		return fmt.Errorf("return %s's value: %w", town.Name, err)
	}
	b.logf("requests: 2026 values of %d items due %s; %d growth rates in, %d flagged; %s's 2026Q2 value returned",
		len(demoItems), due, rep.Inserted, rep.Flagged, town.Name)
	return nil
}
