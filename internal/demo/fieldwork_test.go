package demo

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/fieldwork"
)

// TestFieldwork checks that the assessment team has work in the demo: the
// 2026 cycle open for field work, with counties verified, interviewed and
// judged by kaohezu, and others not started.
func TestFieldwork(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	field := fieldwork.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
	sys := auth.SystemActor("test")
	ov, err := field.Overview(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov) != 1 || ov[0].Cycle.Code != fieldCycleCode {
		t.Fatalf("cycles open for field work: %+v, want %s", ov, fieldCycleCode)
	}
	p := ov[0].Progress
	if p.Verified != len(demoChecks) || p.Interviewed != len(demoNotes) || p.Todo != p.Entities-len(demoChecks) || p.Todo == 0 {
		t.Fatalf("progress %+v", p)
	}
	ts, err := field.Tasks(ctx, sys, ov[0].Cycle.ID, fieldwork.ShowVerified)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := field.Record(ctx, sys, ov[0].Cycle.ID, ts.Rows[0].Entity.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Verifications) != 1 || rec.Verifications[0].Recorder != "青州市考核组" || len(rec.Interviews) != 1 || len(rec.Judgements) != 3 {
		t.Fatalf("the first county's field work: %d verifications by %q, %d interviews, %d judgements",
			len(rec.Verifications), rec.Verifications[0].Recorder, len(rec.Interviews), len(rec.Judgements))
	}
}
