package feedback_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
)

// TestFeedbackPolicy tries every demo role on a released report of 清河区's
// team and on one of another county's: only the office in scope and the
// team's cadre read them; only the owner signs and appeals; only the
// office makes tasks and answers.
func TestFeedbackPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["kaoheban"]
		must[*feedback.Drafted](t)(f.svc.Draft(ctx, office, f.cycleID))
		mine, other := f.reportOf(t, "清河区"), f.reportOf(t, f.other)
		for _, id := range []int64{mine, other} {
			must[*feedback.Report](t)(f.svc.SetRecommendations(ctx, office, id, []string{"保持优势。"}))
			must[*feedback.Report](t)(f.svc.Release(ctx, office, id))
		}
		// want per login: read own, read other, make a task, file an appeal.
		// Who may do nothing with feedback (a provider, a leader) is told
		// of no report, in its sight or not (decision 0161).
		type want struct{ read, readOther, task, appeal errs.Code }
		ok := errs.Code("")
		cases := map[string]want{
			"kaoheban":       {ok, ok, ok, errs.Forbidden},
			"sheng.kaoheban": {ok, ok, ok, errs.Forbidden},
			"kaohezu":        {errs.Forbidden, errs.Forbidden, errs.Forbidden, errs.Forbidden},
			"tongji":         {errs.NotFound, errs.NotFound, errs.NotFound, errs.NotFound},
			"jiwei":          {errs.NotFound, errs.NotFound, errs.NotFound, errs.NotFound},
			"ganbu":          {ok, errs.NotFound, errs.Forbidden, ok},
			"lingdao":        {errs.NotFound, errs.NotFound, errs.NotFound, errs.NotFound},
		}
		code := func(err error) errs.Code {
			if err == nil {
				return ok
			}
			return errs.CodeOf(err)
		}
		deadline := f.clock.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		for login, w := range cases {
			a := f.actors[login]
			_, err := f.svc.Report(ctx, a, mine)
			if code(err) != w.read {
				t.Errorf("%s reads 清河区's report: got %v, want %q", login, err, w.read)
			}
			_, err = f.svc.Report(ctx, a, other)
			if code(err) != w.readOther {
				t.Errorf("%s reads %s's report: got %v, want %q", login, f.other, err, w.readOther)
			}
			_, err = f.svc.CreateTask(ctx, a, mine, feedback.TaskForm{Problem: "问题", Responsible: "区政府", Deadline: deadline,
				Target: "目标", Steps: "措施"})
			if code(err) != w.task {
				t.Errorf("%s makes a task: got %v, want %q", login, err, w.task)
			}
			_, err = f.svc.File(ctx, a, mine, feedback.AppealForm{Kind: feedback.AppealCalculation, Subject: "ECO_FOREST",
				Claimed: "应为满分", Reason: "计算有误"})
			if code(err) != w.appeal {
				t.Errorf("%s appeals: got %v, want %q", login, err, w.appeal)
			}
		}
		// The lists hold what each may read.
		for login, n := range map[string]int{"kaoheban": 7, "ganbu": 1, "lingdao": 0, "kaohezu": 0} {
			_, total, err := f.svc.Reports(ctx, f.actors[login], feedback.ReportFilter{CycleID: f.cycleID})
			if err != nil || (login == "kaoheban" && total < 2) || (login != "kaoheban" && total != n) {
				t.Errorf("%s lists %d reports (%v), want %d", login, total, err, n)
			}
		}
		if _, err := f.svc.Report(ctx, nil, mine); !errs.Is(err, errs.Unauthorized) {
			t.Errorf("anonymous: %v", err)
		}
	})
}

// TestAppealRefused: outside the window, on an unpublished cycle, with a
// bad field — each refused with its reason, nothing written.
func TestAppealRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre := f.actors["kaoheban"], f.actors["ganbu"]
		must[*feedback.Drafted](t)(f.svc.Draft(ctx, office, f.cycleID))
		id := f.reportOf(t, "清河区")
		must[*feedback.Report](t)(f.svc.SetRecommendations(ctx, office, id, []string{"保持优势。"}))
		form := feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST", Claimed: "70%", Reason: "漏报"}
		if _, err := f.svc.File(ctx, cadre, id, form); !errs.Is(err, errs.NotFound) {
			t.Errorf("appeal on a draft: %v", err)
		}
		must[*feedback.Report](t)(f.svc.Release(ctx, office, id))
		for name, c := range map[string]struct {
			form feedback.AppealForm
			key  string
		}{
			"kind":    {feedback.AppealForm{Kind: "other", Subject: "ECO_FOREST", Claimed: "1", Reason: "2"}, "feedback.appeal.kind_invalid"},
			"subject": {feedback.AppealForm{Kind: feedback.AppealValue, Subject: "NOPE", Claimed: "1", Reason: "2"}, "feedback.appeal.subject_unknown"},
			"reason":  {feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST", Claimed: "1"}, "feedback.appeal.reason_required"},
			"file":    {feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST", Claimed: "1", Reason: "2", FileName: "a.exe", File: []byte("MZ")}, "feedback.evidence.type"},
		} {
			_, err := f.svc.File(ctx, cadre, id, c.form)
			var e *errs.Error
			if !errors.As(err, &e) || e.Key != c.key {
				t.Errorf("%s: got %v, want %s", name, err, c.key)
			}
		}
		f.clock.Advance(time.Duration(f.svc.AppealDays()+1) * 24 * time.Hour)
		_, err := f.svc.File(ctx, cadre, id, form)
		var e *errs.Error
		if !errors.As(err, &e) || e.Key != "feedback.appeal.window_closed" || e.Args["until"] == "" {
			t.Errorf("after the window: %v", err)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM appeals WHERE report_id = $1`, id).Scan(&n); err != nil || n != 0 {
			t.Errorf("appeals written: %d %v", n, err)
		}
		// A cycle not published: nothing to draft.
		var draft int64
		if err := d.SQL.QueryRow(`SELECT id FROM cycles WHERE published_snapshot_id = 0 ORDER BY id LIMIT 1`).Scan(&draft); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Draft(ctx, office, draft); !errs.Is(err, errs.Conflict) {
			t.Errorf("draft of an unpublished cycle: %v", err)
		}
	})
}
