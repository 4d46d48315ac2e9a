package web

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/demo"
	"kaohe/internal/feedback"
	"kaohe/internal/locale"
	"kaohe/internal/sources"
)

// BenchmarkFeedbackReports100k drafts the feedback reports of a cycle of
// every cadre of the scale-200 demo (about 100,000) and renders each as
// the HTML document the PDF is printed from: budget 60 s for all. The
// set-up (demo build, scoring with 20 draws, publication) is not timed.
// Run with -benchtime=1x -timeout=30m.
func BenchmarkFeedbackReports100k(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "kaohe.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 200}); err != nil {
		b.Fatal(err)
	}
	sys := auth.SystemActor("bench")
	var version int64
	if err := d.SQL.QueryRow(`SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
		WHERE s.code = 'qingzhou-cadre' AND v.status = 'active'`).Scan(&version); err != nil {
		b.Fatal(err)
	}
	var root int64
	if err := d.SQL.QueryRow(`SELECT id FROM units WHERE parent_id IS NULL`).Scan(&root); err != nil {
		b.Fatal(err)
	}
	var people []int64
	rows, err := d.SQL.Query(`SELECT id FROM people ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	cs := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	c, err := cs.Create(ctx, sys, cycle.Cycle{Code: "feedback-bench", Name: "2025年度干部考核", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
		OwnerUnitID: root, SchemeVersionID: version, Period: "2025", Draws: 20}, cycle.Selection{PersonIDs: people})
	if err != nil {
		b.Fatal(err)
	}
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		if _, err := cs.Move(ctx, sys, c.ID, to, ""); err != nil {
			b.Fatal(err)
		}
	}
	sn, err := cs.Run(ctx, sys, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cs.Move(ctx, sys, c.ID, cycle.Review, ""); err != nil {
		b.Fatal(err)
	}
	if _, err := cs.Approve(ctx, sys, c.ID, sn.ID, "bench"); err != nil {
		b.Fatal(err)
	}
	if _, err := cs.Move(ctx, sys, c.ID, cycle.Published, ""); err != nil {
		b.Fatal(err)
	}
	bundle, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	svc := feedback.NewService(d, auth.Policy{}, cs, collect.NewService(d, auth.Policy{}))
	h, err := New(Config{Cycle: cs, Feedback: svc, Locale: bundle})
	if err != nil {
		b.Fatal(err)
	}
	loc := bundle.For("zh-CN")
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if _, err := d.SQL.Exec(`DELETE FROM feedback_reports WHERE cycle_id = $1`, c.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		got, err := svc.Draft(ctx, sys, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		drafted := time.Since(start)
		list, _, err := svc.Reports(ctx, sys, feedback.ReportFilter{CycleID: c.ID})
		if err != nil {
			b.Fatal(err)
		}
		bytes := 0
		for _, s := range list {
			rep, err := svc.Report(ctx, sys, s.ID)
			if err != nil {
				b.Fatal(err)
			}
			p := &page{Lang: "zh-CN", loc: loc, Data: h.feedbackView(ctx, loc, sys, rep)}
			out, err := h.views.execute("zh-CN", "feedback_show", "feedback_print", p)
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(out)
		}
		b.ReportMetric(float64(got.Made), "reports")
		b.ReportMetric(drafted.Seconds(), "draft-s")
		b.ReportMetric(float64(bytes)/float64(len(list)), "html-bytes/report")
	}
}
