package feedback_test

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/feedback"
)

// TestFeedbackLifecycle walks a team's report from draft to a corrected
// result: drafted from the published snapshot with its figures and
// problems, recommendations edited, released (the team's cadre is told),
// signed for, a task made, reported done with evidence and verified on
// time (the rate of rectification on time is published), an appeal on a
// value answered 更正, which corrects the value and publishes a second
// snapshot version with its diff, the old one superseded.
func TestFeedbackLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre := f.actors["kaoheban"], f.actors["ganbu"]
		got := must[*feedback.Drafted](t)(f.svc.Draft(ctx, office, f.cycleID))
		if got.Made == 0 {
			t.Fatalf("drafted %d reports", got.Made)
		}
		again := must[*feedback.Drafted](t)(f.svc.Draft(ctx, office, f.cycleID))
		if again.Made != 0 || again.Existing != got.Made {
			t.Fatalf("second draft: got %+v, want 0 made, %d existing", again, got.Made)
		}
		id := f.reportOf(t, "清河区")
		r := must[*feedback.Report](t)(f.svc.Report(ctx, office, id))
		if r.Status != feedback.Draft || r.DocNo == "" || r.Content.Grade == "" || r.Content.Rank == 0 || len(r.Content.Radar) < 3 {
			t.Fatalf("draft: %+v", r.Content)
		}
		if len(r.Content.Problems) == 0 && len(r.Content.Achievements) == 0 {
			t.Fatal("the draft makes no point")
		}
		for _, p := range r.Content.Problems {
			if p.Kind == feedback.Declined && (math.IsNaN(float64(p.Change)) || p.Previous == p.Value) {
				t.Errorf("declined without a change: %+v", p)
			}
		}
		// The cadre does not see a draft; releasing needs recommendations.
		if _, err := f.svc.Report(ctx, cadre, id); !errs.Is(err, errs.NotFound) {
			t.Fatalf("cadre reads the draft: %v", err)
		}
		_, unreadBefore := must2(t)(f.svc.Inbox(ctx, cadre, 0))
		if _, err := f.svc.Release(ctx, office, id); !errs.Is(err, errs.Invalid) {
			t.Fatalf("release without recommendations: %v", err)
		}
		must[*feedback.Report](t)(f.svc.SetRecommendations(ctx, f.actors["kaohezu"], id, []string{"巩固生态环境保护成效。", " ", "补齐民生短板。"}))
		r = must[*feedback.Report](t)(f.svc.Release(ctx, office, id))
		if r.Status != feedback.Released || len(r.Recommendations) != 2 {
			t.Fatalf("released: %s %q", r.Status, r.Recommendations)
		}
		inbox, unread := must2(t)(f.svc.Inbox(ctx, cadre, 0))
		if unread != unreadBefore+1 || inbox[0].Kind != feedback.KindReportReleased {
			t.Fatalf("cadre's inbox: %d unread, %+v", unread, inbox)
		}
		if _, err := f.svc.SetRecommendations(ctx, office, id, []string{"x"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("edit after release: %v", err)
		}
		r = must[*feedback.Report](t)(f.svc.Receive(ctx, cadre, id))
		if r.Status != feedback.Received || r.ReceivedBy != "ganbu" {
			t.Fatalf("received: %s by %q", r.Status, r.ReceivedBy)
		}
		if _, err := f.svc.Receive(ctx, cadre, id); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second receipt: %v", err)
		}

		// A task, done with evidence before its deadline and verified.
		deadline := f.clock.Now().AddDate(0, 2, 0).Format(time.DateOnly)
		task := must[*feedback.Task](t)(f.svc.CreateTask(ctx, office, id, feedback.TaskForm{Problem: "森林覆盖率低于同组水平",
			Responsible: "清河区林业局", Deadline: deadline, Target: "森林覆盖率提高 1 个百分点", Steps: "实施国土绿化行动"}))
		// A handover of 清河区's post passes the task on until it is
		// verified; another county's does not.
		if !slices.Contains(f.openTasks(t, f.county), task.ID) {
			t.Errorf("the open task is not among 清河区's open tasks")
		}
		var otherUnit int64
		if err := d.SQL.QueryRow(`SELECT unit_id FROM cycle_entities WHERE cycle_id = $1 AND name = $2`, f.cycleID, f.other).Scan(&otherUnit); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(f.openTasks(t, otherUnit), task.ID) {
			t.Errorf("清河区's task is among %s's open tasks", f.other)
		}
		if _, err := f.svc.Progress(ctx, cadre, task.ID, "已完成造林", true, "", nil); !errs.Is(err, errs.Invalid) {
			t.Fatalf("done without evidence: %v", err)
		}
		pdf, err := os.ReadFile("testdata/evidence.pdf")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(24 * time.Hour)
		task = must[*feedback.Task](t)(f.svc.Progress(ctx, cadre, task.ID, "完成造林 1.2 万亩", true, "造林验收.pdf", pdf))
		if task.Status != feedback.TaskSubmitted {
			t.Fatalf("after done: %s", task.Status)
		}
		task = must[*feedback.Task](t)(f.svc.Verify(ctx, office, task.ID, true, ""))
		if task.Status != feedback.TaskDone || !task.OnTime() {
			t.Fatalf("verified: %+v", task)
		}
		if slices.Contains(f.openTasks(t, f.county), task.ID) {
			t.Errorf("the verified task is still among 清河区's open tasks")
		}
		var rate float64
		if err := d.SQL.QueryRow(`SELECT value FROM data_values WHERE item_code = $1 AND entity_id = $2 AND period = $3 AND is_current`,
			feedback.ItemTeamOnTime, f.county, deadline[:4]).Scan(&rate); err != nil || rate != 100 {
			t.Fatalf("rate on time: %v %v", rate, err)
		}

		// An appeal on 森林覆盖率, corrected.
		before := must[*feedback.Report](t)(f.svc.Report(ctx, cadre, id))
		var forest float64
		for _, ind := range before.Content.Indicators {
			if ind.Code == "ECO_FOREST" {
				forest = float64(ind.Value)
			}
		}
		claimed := strconv.FormatFloat(math.Round(forest*6)/10, 'f', 1, 64)
		ap := must[*feedback.Appeal](t)(f.svc.File(ctx, cadre, id, feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST",
			Claimed: "森林覆盖率应为 " + claimed + "%", Reason: "报送时误将规划造林面积计入", FileName: "林业调查.pdf", File: pdf}))
		if _, _, err := f.svc.AnswerAppeal(ctx, cadre, ap.ID, feedback.Answer{Correct: true, Text: "x", Value: claimed}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("cadre answers: %v", err)
		}
		ap, rev, err := f.svc.AnswerAppeal(ctx, office, ap.ID, feedback.Answer{Correct: true, Text: "经核实误报，予以更正", Value: claimed})
		if err != nil {
			t.Fatal(err)
		}
		if ap.Status != feedback.AppealCorrected || rev == nil || rev.ToNumber != rev.FromNumber+1 || len(rev.Changes) == 0 {
			t.Fatalf("answer: %+v %+v", ap, rev)
		}
		var mine bool
		for _, ch := range rev.Changes {
			if ch.Name == "清河区" {
				mine = ch.NewTotal < ch.OldTotal
			}
		}
		if !mine {
			t.Fatalf("清河区's total did not fall: %+v", rev.Changes)
		}
		old := must[*feedback.Report](t)(f.svc.Report(ctx, cadre, id))
		if old.Superseded != rev.ToNumber || old.Content.Total != before.Content.Total {
			t.Fatalf("old report: superseded %d, total %v (was %v)", old.Superseded, old.Content.Total, before.Content.Total)
		}
		_, revs, err := f.cycles.Revisions(ctx, cadre, f.cycleID)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 1 || len(revs[0].Changes) != 1 {
			t.Fatalf("the cadre reads the revisions of her unit only: %+v", revs)
		}
		if _, err := f.svc.File(ctx, cadre, id, feedback.AppealForm{Kind: feedback.AppealValue, Subject: "ECO_FOREST", Claimed: "x",
			Reason: "y"}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("appeal on the superseded version: %v", err)
		}
		inbox, _ = must2(t)(f.svc.Inbox(ctx, cadre, 0))
		if inbox[0].Kind != feedback.KindAppealAnswered || inbox[0].Args["decision"] != "corrected" {
			t.Fatalf("inbox after the answer: %+v", inbox[0])
		}
		var events int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE at >= $1 AND action IN ('feedback.draft', 'feedback.recommend', 'feedback.release',
			'feedback.receive', 'rectification.create', 'rectification.progress', 'rectification.verify', 'appeal.file', 'appeal.answer',
			'cycle.revise', 'value.correct')`, dbtest.Epoch.UnixMicro()).Scan(&events); err != nil || events != 12 {
			t.Fatalf("audit events: %d %v", events, err)
		}
	})
}

func must2(t *testing.T) func(ns []*feedback.Notification, n int, err error) ([]*feedback.Notification, int) {
	return func(ns []*feedback.Notification, n int, err error) ([]*feedback.Notification, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ns, n
	}
}
