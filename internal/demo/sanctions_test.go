package demo

import (
	"context"
	"slices"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/sources"
)

// TestDemoSanction checks the demo's sanctioned cadre: a 警告 following
// the finding 违规发放津补贴, its talk done and its visit overdue, and her
// 2025 cadre-cycle result flagged sanction_warning and not 优秀.
func TestDemoSanction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
			t.Fatal(err)
		}
		sys := auth.SystemActor("test")
		fs := finding.NewService(d, auth.Policy{})
		sns, err := fs.Sanctions(ctx, sys, 0)
		if err != nil || len(sns) != 1 {
			t.Fatalf("sanctions: %d, %v; want 1", len(sns), err)
		}
		sn := sns[0]
		if sn.Kind != finding.KindWarning || sn.FindingID == 0 || sn.EffectiveTo != "2025-12-09" || len(sn.FollowUps) != 2 ||
			sn.FollowUps[0].DoneOn == "" || sn.FollowUps[1].DoneOn != "" {
			t.Errorf("the sanction: %+v, follow-ups %+v %+v", sn, sn.FollowUps[0], sn.FollowUps[1])
		}
		overdue, err := fs.OverdueFollowUps(ctx, sys)
		if err != nil || len(overdue) != 1 || overdue[0].Kind != finding.FollowUpVisit {
			t.Errorf("overdue follow-ups: %v, %v; want the visit", overdue, err)
		}
		svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		cs, err := svc.Cycles(ctx, sys, cycle.Filter{Subject: cycle.SubjectPerson, Stage: cycle.Published})
		if err != nil || len(cs) != 1 {
			t.Fatalf("published cadre cycles: %d, %v; want 1", len(cs), err)
		}
		pr, err := svc.Profile(ctx, sys, cs[0].ID, db.FormatID(sn.PersonID))
		if err != nil {
			t.Fatalf("her profile in %s: %v", cs[0].Name, err)
		}
		if !slices.Contains(pr.Result.Flags, finding.FlagSanctionWarning) || pr.Result.Grade == "优秀" {
			t.Errorf("%s: grade %s, flags %q; want sanction_warning and not 优秀", sn.Person, pr.Result.Grade, pr.Result.Flags)
		}
		t.Logf("%s: total %.2f, grade %s, flags %q", sn.Person, pr.Result.Total, pr.Result.Grade, pr.Result.Flags)
	})
}
