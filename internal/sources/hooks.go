package sources

import (
	"context"
	"net/url"
	"slices"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
	"kaohe/internal/hook"
	"kaohe/internal/org"
)

// Hooks are the events the webhooks of sharing tokens are told of, each
// read from its owner: publications from cycle, releases from feedback,
// batches of values from collect.
func Hooks(cycles *cycle.Service, reports *feedback.Service) []hook.Source {
	return []hook.Source{
		{Event: hook.CyclePublished, Actions: cycle.PublicationActions, Notice: func(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor, _ []string) (any, bool, error) {
			if !a.Share.Results {
				return nil, false, nil
			}
			p, err := cycles.PublicationOf(ctx, tx, e, a)
			if err != nil || p == nil {
				return nil, false, err
			}
			id := db.FormatID(p.Cycle.ID)
			return hook.CycleNotice{CycleID: id, Code: p.Cycle.Code, Name: p.Cycle.Name, Kind: string(p.Cycle.Kind),
				Subject: string(p.Cycle.Subject), Period: p.Cycle.Period, Version: p.Version, Revised: p.Revised,
				Results: "/api/v1/share/cycles/" + id + "/results"}, true, nil
		}},
		{Event: hook.ReportReleased, Actions: []string{feedback.ReleaseAction}, Notice: func(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor, _ []string) (any, bool, error) {
			if !a.Share.Results {
				return nil, false, nil
			}
			r, err := reports.ReleaseOf(ctx, tx, e, a)
			if err != nil || r == nil {
				return nil, false, err
			}
			us, err := org.UnitsByID(ctx, tx, []int64{r.UnitID})
			if err != nil {
				return nil, false, err
			}
			var code string
			if u := us[r.UnitID]; u != nil {
				code = u.Code
			}
			return hook.ReportNotice{ReportID: db.FormatID(r.ID), DocNo: r.DocNo, Name: r.Name, UnitID: db.FormatID(r.UnitID),
				UnitCode: code, Team: r.Team(), CycleID: db.FormatID(r.CycleID), Cycle: r.Content.CycleName,
				Period: r.Content.Period, ReleasedAt: e.At}, true, nil
		}},
		{Event: hook.ValueChanged, Actions: collect.ValueActions, Notice: func(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor, items []string) (any, bool, error) {
			// The webhook's items, or all the token's; never one the
			// token no longer reads.
			var want []string
			for _, it := range a.Share.Items {
				if len(items) == 0 || slices.Contains(items, it) {
					want = append(want, it)
				}
			}
			chs, err := collect.ValueChangesOf(ctx, tx, e, a.Share.UnitPath, want)
			if err != nil || len(chs) == 0 {
				return nil, false, err
			}
			n := hook.ValueNotice{BatchID: e.ObjectID}
			for _, ch := range chs {
				in := hook.ItemNews{Item: ch.Item.Code, Name: ch.Item.Name, Measure: ch.Item.Measure, Periods: ch.Periods, Units: ch.Units}
				for _, p := range ch.Periods {
					in.Values = append(in.Values, "/api/v1/share/items/"+url.PathEscape(ch.Item.Code)+"/values?period="+url.QueryEscape(p))
				}
				n.Items = append(n.Items, in)
			}
			return n, true, nil
		}},
	}
}
