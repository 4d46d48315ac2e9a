package outcome_test

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// TestUnfitCheck checks the catalogue over hand-checked histories and
// adjusts a matching cadre: only situations that hold are accepted, the
// follow-up visit and the re-appointment are recorded, and only the office
// of the cadre's units decides.
func TestUnfitCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["office"]
		f.grades(t, "张三", 2024, "基本称职", "基本称职")
		f.grades(t, "李四", 2024, "称职", "不称职")
		f.grades(t, "王五", 2025, "优秀")
		for name, want := range map[string]string{"张三": "grade_basic_twice", "李四": "grade_incompetent", "王五": ""} {
			a := office
			if name == "王五" {
				a = f.actors["yi.office"]
			}
			ms := must[[]outcome.Match](t)(f.svc.Check(ctx, a, f.people[name].ID))
			got := ""
			for _, m := range ms {
				got += m.Situation.Code
			}
			if got != want || len(ms) > 0 && len(ms[0].Evidence.Grades) != 2 {
				t.Errorf("%s: got %q, want %q", name, got, want)
			}
		}
		for login, want := range map[string]string{"viewer": "y", "cadre": "n", "yi.office": "n", "provider": "n"} {
			if _, err := f.svc.Check(ctx, f.actors[login], f.people["李四"].ID); answer(err) != want {
				t.Errorf("%s checks: got %s, want %s", login, answer(err), want)
			}
		}
		li := f.people["李四"].ID
		before := f.written(t)
		if _, err := f.svc.Adjust(ctx, office, outcome.Adjustment{PersonID: li, Kind: "fire", Situations: []string{"grade_basic_twice"},
			DecidedOn: "2026-1-5"}); problems(err) != "outcome.adjust.kind_invalid@0:kind outcome.adjust.situation_unmatched@0:situations "+
			"outcome.adjust.day_invalid@0:decided_on outcome.reason_required@0:reason" {
			t.Errorf("bad: got %s", problems(err))
		}
		good := outcome.Adjustment{PersonID: li, Kind: outcome.AdjustTransfer, Situations: []string{"grade_incompetent"},
			DecidedOn: "2026-01-05", Reason: "经市委常委会研究，调整为非领导岗位"}
		if _, err := f.svc.Adjust(ctx, f.actors["viewer"], good); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a leader adjusts: %v", err)
		}
		if n := f.written(t); n != before {
			t.Errorf("refused adjustments wrote %d rows", n-before)
		}
		x := must[*outcome.Adjustment](t)(f.svc.Adjust(ctx, office, good))
		if err := f.svc.RecordVisit(ctx, office, x.ID, "2026-02-20", "本人思想稳定，工作积极。"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reappoint(ctx, office, x.ID, "2025-12-31", "", ""); problems(err) !=
			"outcome.adjust.day_invalid@0:reappointed_on outcome.adjust.post_required@0:post outcome.reason_required@0:reason" {
			t.Errorf("bad re-appointment: got %s", problems(err))
		}
		if err := f.svc.Reappoint(ctx, office, x.ID, "2026-03-01", "甲县副县长", "调整后表现突出，重新任用"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reappoint(ctx, office, x.ID, "2026-03-02", "甲县县长", "再次"); !errs.Is(err, errs.Conflict) {
			t.Errorf("twice: %v", err)
		}
		for _, login := range []string{"office", "viewer", "li"} {
			xs := must[[]*outcome.Adjustment](t)(f.svc.Adjustments(ctx, f.actors[login], li))
			if len(xs) != 1 || len(xs[0].Visits) != 1 || xs[0].ReappointedPost != "甲县副县长" {
				t.Errorf("%s reads %+v", login, xs)
			}
		}
		if _, err := f.svc.Adjustments(ctx, f.actors["cadre"], li); !errs.Is(err, errs.NotFound) {
			t.Errorf("another cadre reads: %v", err)
		}
	})
}

// TestTraining records a cadre's training, refuses bad input, and
// suggests training on the dimensions furthest below the group's mean.
func TestTraining(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		zhang := f.people["张三"].ID
		if _, err := f.svc.RecordTraining(ctx, f.actors["office"], outcome.Training{PersonID: zhang, Kind: "nap", StartedOn: "2026-01-01",
			EndedOn: "2025-12-01", Completed: true}); problems(err) != "outcome.training.kind_invalid@0:kind outcome.training.title_required@0:title "+
			"outcome.training.topic_required@0:topic outcome.training.organiser_required@0:organiser outcome.training.end_invalid@0:ended_on" {
			t.Errorf("bad: got %s", problems(err))
		}
		tr := outcome.Training{PersonID: zhang, Kind: outcome.KindTraining, Title: "县处级干部经济工作专题培训班", Topic: "经济发展",
			Organiser: "甲市委党校", StartedOn: "2025-09-01", EndedOn: "2025-09-20", Completed: true}
		for _, login := range []string{"viewer", "cadre", "yi.office"} {
			if _, err := f.svc.RecordTraining(ctx, f.actors[login], tr); err == nil {
				t.Errorf("%s recorded a training", login)
			}
		}
		must[*outcome.Training](t)(f.svc.RecordTraining(ctx, f.actors["county.office"], tr))
		ts := must[[]*outcome.Training](t)(f.svc.Trainings(ctx, f.actors["cadre"], zhang))
		if len(ts) != 1 || !ts[0].Completed {
			t.Fatalf("trainings: %+v", ts)
		}
		sg := outcome.Suggest([]outcome.DimensionScore{{"经济发展", 60, 75}, {"社会治理", 70, 72}, {"党的建设", 90, 80}, {"生态文明", 50, 58}}, ts, 2)
		if len(sg) != 2 || sg[0].Dimension != "经济发展" || !sg[0].Done || sg[1].Dimension != "生态文明" || sg[1].Done {
			t.Errorf("suggestions: %+v", sg)
		}
	})
}
