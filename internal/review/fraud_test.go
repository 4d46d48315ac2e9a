package review_test

import (
	"context"
	"fmt"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// TestFraudChecks holds, with their reasons, the reviews past a burst from
// one phone and a review by the unit's own staff; the office decides each
// with a reason, and only counted reviews count.
func TestFraudChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for i := 1; i <= 7; i++ {
			s := f.submit(fmt.Sprintf("C%03d", i), review.VerySatisfied, "")
			s.Device, s.Addr = "one-phone", "10.9.9.9"
			rec := must[*review.Receipt](t)(f.svc.Submit(ctx, s))
			if want := i > 5; rec.Held != want {
				t.Errorf("review %d from one phone: held %v, want %v", i, rec.Held, want)
			}
		}
		staff := f.submit("C008", review.VerySatisfied, "")
		staff.Viewer = f.actors["reviewer"]
		if rec := must[*review.Receipt](t)(f.svc.Submit(ctx, staff)); !rec.Held {
			t.Errorf("the unit's own administrator's review was not held")
		}
		city := f.submit("C009", review.VerySatisfied, "")
		city.Viewer = f.actors["office"]
		if rec := must[*review.Receipt](t)(f.svc.Submit(ctx, city)); rec.Held {
			t.Errorf("the city office's review of a county's case was held as staff")
		}
		held := must[[]*review.Review](t)(f.svc.HeldReviews(ctx, f.actors["office"]))
		codes := map[string]int{}
		for _, r := range held {
			for _, fl := range r.Flags {
				codes[fl.Code]++
			}
		}
		if len(held) != 3 || codes[review.FlagBurst] != 2 || codes[review.FlagStaff] != 1 {
			t.Fatalf("held %d with flags %v, want 2 bursts and 1 staff", len(held), codes)
		}
		if _, err := f.svc.HeldReviews(ctx, f.actors["reviewer"]); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the administrator read the held queue: %v", err)
		}
		if err := f.svc.DecideHeld(ctx, f.actors["office"], held[0].ID, true, ""); problems(err) != "review.decision.reason_required@0:reason" {
			t.Errorf("a decision without a reason: %s", problems(err))
		}
		must[struct{}](t)(struct{}{}, f.svc.DecideHeld(ctx, f.actors["office"], held[0].ID, true, "经核实为同一家庭多人办事"))
		must[struct{}](t)(struct{}{}, f.svc.DecideHeld(ctx, f.actors["office"], held[2].ID, false, "工作人员自评，不计入"))
		if err := f.svc.DecideHeld(ctx, f.actors["office"], held[0].ID, false, "再次决定"); !errs.Is(err, errs.Conflict) {
			t.Errorf("a decided review decided again: %v", err)
		}
		ms := must[[]*review.Metrics](t)(f.svc.UnitMetrics(ctx, f.actors["office"], f.units["910102"].ID, "2026"))
		// 5 unflagged, the city office's, and the one counted by decision.
		if len(ms) != 1 || ms[0].Counted != 7 || ms[0].Reviewed != 7 || ms[0].Cases != 10 {
			t.Errorf("metrics: %+v, want 7 counted of 10 cases", ms[0])
		}
	})
}

// TestAppeal files 甲县's appeal of a 差评 as malicious; only the office
// decides it, with a reason; upheld, the review and its order leave the
// statistics and 差评率 falls.
func TestAppeal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.VeryUnsatisfied, "骂人")))
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C002", review.VerySatisfied, "")))
		var rv int64
		if err := d.SQL.QueryRow(`SELECT review_id FROM review_orders`).Scan(&rv); err != nil {
			t.Fatal(err)
		}
		ap := must[*review.Appeal](t)(f.svc.FileAppeal(ctx, f.actors["reviewer"], rv, review.Malicious, "评价人当日未到窗口办事"))
		if _, err := f.svc.FileAppeal(ctx, f.actors["reviewer"], rv, review.Mistaken, "再次申诉"); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second pending appeal: %v", err)
		}
		if err := f.svc.DecideAppeal(ctx, f.actors["reviewer"], ap.ID, true, "自己决定"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the unit decided its own appeal: %v", err)
		}
		must[struct{}](t)(struct{}{}, f.svc.DecideAppeal(ctx, f.actors["office"], ap.ID, true, "经调取监控核实，属恶意评价"))
		if v, _ := f.value(t, "910102", review.ItemBadRate, "2026"); v != 0 {
			t.Errorf("差评率 after the upheld appeal: %v, want 0", v)
		}
		if v, _ := f.value(t, "910102", review.ItemRectifyRate, "2026"); v != 100 {
			t.Errorf("差评整改率 after the upheld appeal: %v, want 100 (no 差评 left)", v)
		}
		var reason string
		if err := d.SQL.QueryRow(`SELECT reason FROM audit_log WHERE action = 'review.appeal.decide'`).Scan(&reason); err != nil ||
			reason != "经调取监控核实，属恶意评价" {
			t.Errorf("the decision's audit reason: %q (%v)", reason, err)
		}
	})
}

// TestDefaults gives the configured default level to cases unreviewed
// for the configured days: they count in 好评率, never in 主动评价率.
func TestDefaults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if n := must[int](t)(f.svc.ApplyDefaults(ctx, f.actors["office"], f.units["910100"].ID)); n != 0 {
			t.Errorf("defaults with the default off: %d", n)
		}
		cfg := review.DefaultConfig()
		cfg.DefaultDays, cfg.DefaultLevel = 3, review.Satisfied
		must[struct{}](t)(struct{}{}, f.svc.SetConfig(ctx, f.actors["office"], f.units["910100"].ID, cfg))
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.Unsatisfied, "慢")))
		if n := must[int](t)(f.svc.ApplyDefaults(ctx, f.actors["office"], f.units["910100"].ID)); n != 10 {
			t.Errorf("defaults: got %d, want 甲县's 9 unreviewed cases and 丙县's one", n)
		}
		ms := must[[]*review.Metrics](t)(f.svc.UnitMetrics(ctx, f.actors["office"], f.units["910102"].ID, "2026"))
		if ms[0].Reviewed != 1 || ms[0].Counted != 10 || ms[0].Good != 9 {
			t.Errorf("metrics: %+v, want 1 reviewed, 10 counted, 9 good", ms[0])
		}
		if ivs := must[[]review.Invitation](t)(f.svc.Invitations(ctx, f.actors["reviewer"], f.units["910102"].ID, 10)); len(ivs) != 0 {
			t.Errorf("invitations after defaults: %d", len(ivs))
		}
	})
}
