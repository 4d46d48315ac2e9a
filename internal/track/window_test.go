package track_test

import (
	"context"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestReportWindows: the city's office sets when 2025's mid-year progress
// is filed, and 甲县's office its own year-end window; a county without
// its own takes the city's. Progress before the window opens is refused,
// within it is on time, after it closes is taken and marked late. Bad
// windows are refused naming the field; only an office in scope sets one.
func TestReportWindows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre := f.actors["office"], f.actors["cadre"]
		city, county := f.units["910100"].ID, f.units["910102"].ID
		c := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		must[*track.Commitment](t)(f.svc.Approve(ctx, office, c.ID, ""))
		if err := f.svc.SetWindow(ctx, office, track.Window{UnitID: city, Year: 2025, Stage: track.ReportMidyear,
			Opens: "2025-06-20", Closes: "2025-07-15"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetWindow(ctx, f.actors["county.office"], track.Window{UnitID: county, Year: 2025, Stage: track.ReportYearEnd,
			Opens: "2025-12-15", Closes: "2026-01-10"}); err != nil {
			t.Fatal(err)
		}
		ws := must[[]*track.Window](t)(f.svc.Windows(ctx, cadre, county, 2025))
		if len(ws) != 2 || ws[0].Unit != "甲市" || ws[0].Opens != "2025-06-20" || ws[1].Unit != "甲县" || ws[1].Closes != "2026-01-10" {
			t.Fatalf("甲县's windows: %+v", ws)
		}
		if ws := must[[]*track.Window](t)(f.svc.Windows(ctx, office, f.units["910103"].ID, 2025)); len(ws) != 1 || ws[0].Unit != "甲市" {
			t.Errorf("丙县's windows: %+v", ws)
		}
		at := func(day string) {
			t0, _ := time.ParseInLocation(time.DateOnly, day, time.FixedZone("CST", 8*3600))
			d.Clock = func() time.Time { return t0.Add(10 * time.Hour) }
		}
		at("2025-06-19")
		if _, err := f.svc.Progress(ctx, cadre, c.ID, "进展", "", nil); problems(err) != "track.window_not_open@0:" {
			t.Errorf("before the window: %s", problems(err))
		}
		at("2025-07-15")
		if r := must[*track.Report](t)(f.svc.Progress(ctx, cadre, c.ID, "按期", "", nil)); r.Late {
			t.Error("a report on the last day is late")
		}
		at("2025-07-16")
		if r := must[*track.Report](t)(f.svc.Progress(ctx, cadre, c.ID, "补报", "", nil)); !r.Late {
			t.Error("a report after the window is not late")
		}
		at("2025-12-14")
		if _, err := f.svc.Prove(ctx, cadre, c.ID, "全年", "", nil); problems(err) != "track.window_not_open@0:" {
			t.Errorf("proof before 甲县's window: %s", problems(err))
		}
		det := must[*track.Detail](t)(f.svc.Get(ctx, office, c.ID))
		if len(det.Reports) != 2 || det.Reports[0].Late || !det.Reports[1].Late {
			t.Errorf("reports: %+v", det.Reports)
		}
		before := f.written(t)
		for _, tc := range []struct {
			name  string
			login string
			w     track.Window
			want  string
		}{
			{"closes first", "office", track.Window{UnitID: city, Year: 2025, Stage: track.ReportMidyear, Opens: "2025-07-01", Closes: "2025-06-01"}, "track.window.closes_before@0:closes"},
			{"another year", "office", track.Window{UnitID: city, Year: 2025, Stage: track.ReportMidyear, Opens: "2024-07-01", Closes: "2024-07-31"}, "track.window.outside_year@0:opens"},
			{"no date", "office", track.Window{UnitID: city, Year: 2025, Stage: track.ReportYearEnd, Opens: "十二月", Closes: "2026-01-10"}, "track.window.day_invalid@0:opens"},
			{"no stage", "office", track.Window{UnitID: city, Year: 2025, Stage: "final", Opens: "2025-06-01", Closes: "2025-06-30"}, "track.window.stage_invalid@0:stage"},
		} {
			if err := f.svc.SetWindow(ctx, f.actors[tc.login], tc.w); problems(err) != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, problems(err), tc.want)
			}
		}
		ok := track.Window{UnitID: city, Year: 2025, Stage: track.ReportMidyear, Opens: "2025-06-01", Closes: "2025-06-30"}
		for login, want := range map[string]byte{"cadre": 'n', "team": 'f', "viewer": 'f', "yi.office": 'n', "county.office": 'n'} {
			if err := f.svc.SetWindow(ctx, f.actors[login], ok); answer(err) != want {
				t.Errorf("%s sets the city's window: %v, want %c", login, err, want)
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused windows wrote %d rows", n-before)
		}
	})
}
