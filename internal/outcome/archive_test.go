package outcome_test

import (
	"context"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// TestArchiveAsOf shows the archive as known at the end of a day: a
// finding recorded the next day is absent from the day's view and present
// in the next day's, and so is the decision taken with it; the grades
// recorded before both are in each.
func TestArchiveAsOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		zhang := f.people["张三"].ID
		f.grades(t, "张三", 2023, "优秀", "优秀", "优秀") // 2026-03-02 17:30 in Beijing
		must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, f.actors["office"], f.units["910100"].ID))
		f.clock.Advance(24 * time.Hour)
		fd := f.finding(t, "张三", "2026-03-01", "会议记录不全")
		ps := must[[]*outcome.Proposal](t)(f.svc.Proposals(ctx, f.actors["office"], outcome.Filter{PersonID: zhang}))
		must[*outcome.Proposal](t)(f.svc.Decide(ctx, f.actors["office"], ps[0].ID, true, "经部务会研究同意"))
		for _, tt := range []struct {
			day                         string
			grades, findings, decisions int
		}{
			{"2026-03-02", 3, 0, 0},
			{"2026-03-03", 3, 1, 1},
			{"", 3, 1, 1},
			{"2022-12-31", 0, 0, 0},
		} {
			for _, login := range []string{"office", "cadre"} {
				ar := must[*outcome.Archive](t)(f.svc.ArchiveOf(ctx, f.actors[login], zhang, tt.day))
				if len(ar.Grades) != tt.grades || len(ar.Findings) != tt.findings || len(ar.Decisions) != tt.decisions {
					t.Errorf("%s as of %q: %d grades, %d findings, %d decisions; want %d, %d, %d", login, tt.day, len(ar.Grades),
						len(ar.Findings), len(ar.Decisions), tt.grades, tt.findings, tt.decisions)
				}
				if tt.findings > 0 && len(ar.Findings) > 0 && ar.Findings[0].ID != fd.ID {
					t.Errorf("%s: finding %d, want %d", login, ar.Findings[0].ID, fd.ID)
				}
			}
		}
		// The cadre reads the decisions adopted about her, not those turned
		// down; the office reads both.
		must[*outcome.Proposal](t)(f.svc.Decide(ctx, f.actors["office"], ps[1].ID, false, "存在问题线索，暂缓"))
		for login, want := range map[string]int{"office": 2, "viewer": 2, "cadre": 1} {
			if ar := must[*outcome.Archive](t)(f.svc.ArchiveOf(ctx, f.actors[login], zhang, "")); len(ar.Decisions) != want {
				t.Errorf("%s reads %d decisions, want %d", login, len(ar.Decisions), want)
			}
		}
		// A leader reads the archive but not its findings.
		ar := must[*outcome.Archive](t)(f.svc.ArchiveOf(ctx, f.actors["viewer"], zhang, ""))
		if ar.MayFindings || len(ar.Findings) != 0 || ar.MaySanctions || len(ar.Grades) != 3 {
			t.Errorf("viewer: %+v", ar)
		}
		if _, err := f.svc.ArchiveOf(ctx, f.actors["office"], zhang, "2026-3-2"); problems(err) != "outcome.archive.asof_invalid@0:asof" {
			t.Errorf("bad day: got %s", problems(err))
		}
		for _, login := range []string{"li", "yi.office", "provider", "team", "jiwei"} {
			if _, err := f.svc.ArchiveOf(ctx, f.actors[login], zhang, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s reads 张三's archive: %v", login, err)
			}
		}
	})
}
