package track_test

import (
	"context"
	"math"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestMonitorTrajectory sets linear and seasonal trajectories and follows a
// county's year-to-date values: on track is green; a value below raises a
// red alert as it is submitted, with its gap; a recovery closes it; a new
// lag closed by the office's explanation stays closed.
func TestMonitorTrajectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["office"]
		// Last year 丙县 made a third of its year by June, all of it by December.
		last := map[string]float64{}
		for m := 1; m <= 12; m++ {
			last[monthOf(2024, m)] = float64(m) * 10
		}
		last["2024-06"] = 40
		f.submit(t, "910103", "IND_VALUE", last)
		f.submit(t, "910102", "IND_VALUE", map[string]float64{"2025-01": 10, "2025-02": 20})

		m := must[*track.Monitor](t)(f.svc.SetMonitor(ctx, office, track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "IND_VALUE",
			Year: 2025, Method: track.Linear, Target: "120"}))
		if m.Light != track.LightGreen || m.Period != "2025-02" || m.Expected != 20 {
			t.Fatalf("on track: got %s %s expected %v", m.Light, m.Period, m.Expected)
		}
		f.submit(t, "910102", "IND_VALUE", map[string]float64{"2025-03": 25})
		alerts := must[[]*track.Alert](t)(f.svc.Alerts(ctx, office, track.AlertFilter{Open: true}))
		if len(alerts) != 1 || alerts[0].Light != track.LightRed || alerts[0].Gap != -5 || alerts[0].Item != "规上工业增加值" {
			t.Fatalf("a lag of 5 on 30: got %+v", alerts)
		}
		// The county's cadre sees it; the other city's office does not.
		if as := must[[]*track.Alert](t)(f.svc.Alerts(ctx, f.actors["cadre"], track.AlertFilter{Open: true})); len(as) != 1 {
			t.Errorf("the cadre sees %d alerts", len(as))
		}
		if as := must[[]*track.Alert](t)(f.svc.Alerts(ctx, f.actors["yi.office"], track.AlertFilter{})); len(as) != 0 {
			t.Errorf("another city's office sees %d alerts", len(as))
		}
		if err := f.svc.Explain(ctx, f.actors["cadre"], alerts[0].ID, "项目延期"); answer(err) != 'f' {
			t.Errorf("the cadre explains: got %v, want forbidden", err)
		}
		f.submit(t, "910102", "IND_VALUE", map[string]float64{"2025-04": 41})
		if as := must[[]*track.Alert](t)(f.svc.Alerts(ctx, office, track.AlertFilter{Open: true})); len(as) != 0 {
			t.Fatalf("recovered: %d open alerts", len(as))
		}
		f.submit(t, "910102", "IND_VALUE", map[string]float64{"2025-05": 49})
		open := must[[]*track.Alert](t)(f.svc.Alerts(ctx, office, track.AlertFilter{Open: true}))
		if len(open) != 1 || open[0].Light != track.LightYellow {
			t.Fatalf("a lag of 1 on 50: got %+v", open)
		}
		if err := f.svc.Explain(ctx, office, open[0].ID, "重点项目投产延后至6月"); err != nil {
			t.Fatal(err)
		}
		all := must[[]*track.Alert](t)(f.svc.Alerts(ctx, office, track.AlertFilter{}))
		if len(all) != 2 || all[0].ClosedBy == "" || all[1].ClosedBy == "" {
			t.Fatalf("closed alerts: got %+v", all)
		}

		// Seasonal: 丙县 reached a third (40 of 120) by June last year.
		f.submit(t, "910103", "IND_VALUE", map[string]float64{"2025-06": 45})
		s := must[*track.Monitor](t)(f.svc.SetMonitor(ctx, office, track.MonitorDraft{UnitID: f.units["910103"].ID, ItemCode: "IND_VALUE",
			Year: 2025, Method: track.Seasonal, Target: "150"}))
		if s.Light != track.LightRed || math.Abs(s.Expected-50) > 1e-9 {
			t.Errorf("seasonal: got %s expected %v, want red at 50", s.Light, s.Expected)
		}
		if n := must[int](t)(f.svc.Check(ctx, office, 2025)); n != 0 {
			t.Errorf("a check with nothing new changed %d", n)
		}
		for _, tc := range []struct {
			name string
			d    track.MonitorDraft
			want string
		}{
			{"an annual item", track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "GDP", Year: 2025, Method: track.Linear, Target: "1"}, "track.monitor_annual@0:item"},
			{"no last year", track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "IND_VALUE", Year: 2025, Method: track.Seasonal, Target: "1"}, "track.monitor_no_profile@0:method"},
			{"no target", track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "IND_VALUE", Year: 2025, Method: "stepwise", Target: "-1"}, "track.method_invalid@0:method track.monitor_target_invalid@0:target"},
		} {
			if _, err := f.svc.SetMonitor(ctx, office, tc.d); problems(err) != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, problems(err), tc.want)
			}
		}
		if _, err := f.svc.SetMonitor(ctx, f.actors["yi.office"], track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "IND_VALUE",
			Year: 2025, Method: track.Linear, Target: "1"}); answer(err) != 'n' {
			t.Errorf("another city's office: got %v", err)
		}
	})
}

func monthOf(y, m int) string {
	return track.PeriodName(y, m, 12)
}
