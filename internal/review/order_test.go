package review_test

import (
	"context"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// orderOf returns the id of the work order of case number's review.
func (f *fixture) orderOf(t testing.TB, number string) int64 {
	t.Helper()
	var id int64
	if err := f.d.SQL.QueryRow(`SELECT o.id FROM review_orders o JOIN reviews r ON r.id = o.review_id JOIN review_cases c ON c.id = r.case_id
		WHERE c.number = $1`, number).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOrderFlow takes a 差评's work order through its states: a move out
// of order is refused and writes nothing; closing it within its deadline
// raises 差评整改率 from 0 to 100 as a new version of the review system's
// data item, with the reason naming the order.
func TestOrderFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := f.submit("C001", review.VeryUnsatisfied, "窗口人员态度生硬")
		s.Contact = "13900001111"
		rec := must[*review.Receipt](t)(f.svc.Submit(ctx, s))
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C002", review.VerySatisfied, "")))
		id := f.orderOf(t, "C001")
		o := must[*review.Order](t)(f.svc.Order(ctx, f.actors["reviewer"], id))
		if o.Number != rec.Order || o.State != review.Received || o.OpenedOn != "2026-03-02" || o.VerifyDue != "2026-03-03" ||
			o.RectifyDue != "2026-03-23" {
			t.Errorf("opened: %+v", o)
		}
		if _, err := f.svc.PublishMetrics(ctx, f.actors["office"], f.units["910100"].ID, "2026"); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.value(t, "910102", review.ItemRectifyRate, "2026"); v != 0 {
			t.Errorf("差评整改率 with the order open: got %v, want 0", v)
		}
		rv := f.actors["reviewer"]
		before := f.written(t)
		if _, err := f.svc.Advance(ctx, rv, id, review.Step{To: review.Rectifying, Note: "跳过签收"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("out of order: got %v, want Conflict", err)
		}
		if _, err := f.svc.Advance(ctx, rv, id, review.Step{To: review.Verifying, Note: "签收"}); problems(err) != "review.order.owner_required@0:owner" {
			t.Errorf("signed without an owner: got %s", problems(err))
		}
		if f.written(t) != before {
			t.Errorf("refused moves wrote rows")
		}
		steps := []review.Step{
			{To: review.Verifying, Note: "已签收", Owner: "王科长"},
			{To: review.Rectifying, Note: "经核实，窗口人员解释不耐心"},
			{To: review.Replied, Note: "已约谈窗口人员并组织培训，电话告知评价人"},
			{To: review.Visited, Note: "电话回访", Satisfaction: review.VisitSatisfied},
			{To: review.Closed, Note: "办结"},
		}
		for i, st := range steps {
			f.clock.Advance(24 * time.Hour)
			o = must[*review.Order](t)(f.svc.Advance(ctx, rv, id, st))
			if o.State != st.To {
				t.Fatalf("step %d: state %s, want %s", i, o.State, st.To)
			}
		}
		if !o.ClosedInSLA || o.ClosedOn != "2026-03-07" {
			t.Errorf("closed: in SLA %v on %s", o.ClosedInSLA, o.ClosedOn)
		}
		if v, ok := f.value(t, "910102", review.ItemRectifyRate, "2026"); !ok || v != 100 {
			t.Errorf("差评整改率 after closing: got %v %v, want 100", v, ok)
		}
		if v, _ := f.value(t, "910102", review.ItemVisitRate, "2026"); v != 100 {
			t.Errorf("实名差评回访率: got %v, want 100", v)
		}
		var reason, source string
		if err := d.SQL.QueryRow(`SELECT reason, source FROM data_values WHERE item_code = $1 AND is_current = $2`, review.ItemRectifyRate, true).
			Scan(&reason, &source); err != nil || reason != "工单 "+o.Number+" 办结后重新计算" || source != "review" {
			t.Errorf("the published version: reason %q, source %q (%v)", reason, source, err)
		}
		if _, err := f.svc.Advance(ctx, rv, id, review.Step{To: review.Closed, Note: "再次办结"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a closed order moved again: %v", err)
		}
	})
}

// TestOrderLate closes an order after its deadline: it does not count as
// rectified in time. An overdue order escalates to the unit's superior once.
func TestOrderLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.Unsatisfied, "等了三天没有结果")))
		id := f.orderOf(t, "C001")
		f.clock.Advance(3 * 24 * time.Hour)
		if n := must[int](t)(f.svc.Escalate(ctx, f.actors["office"], f.units["910100"].ID)); n != 1 {
			t.Errorf("escalated %d, want 1", n)
		}
		if n := must[int](t)(f.svc.Escalate(ctx, f.actors["office"], f.units["910100"].ID)); n != 0 {
			t.Errorf("escalated again %d, want 0", n)
		}
		o := must[*review.Order](t)(f.svc.Order(ctx, f.actors["office"], id))
		if o.EscalatedOn != "2026-03-05" || o.Steps[len(o.Steps)-1].Note != "逾期未办，已上报甲市督办" {
			t.Errorf("escalated: on %q, last step %+v", o.EscalatedOn, o.Steps[len(o.Steps)-1])
		}
		rv := f.actors["reviewer"]
		for _, st := range []review.Step{{To: review.Verifying, Note: "签收", Owner: "李四"}, {To: review.Rectifying, Note: "核实"}} {
			must[*review.Order](t)(f.svc.Advance(ctx, rv, id, st))
		}
		f.clock.Advance(30 * 24 * time.Hour)
		must[*review.Order](t)(f.svc.Advance(ctx, rv, id, review.Step{To: review.Replied, Note: "已反馈"}))
		o = must[*review.Order](t)(f.svc.Advance(ctx, rv, id, review.Step{To: review.Closed, Note: "匿名评价，无法回访，办结"}))
		if o.ClosedInSLA {
			t.Errorf("an order replied after its deadline counts as in time")
		}
		if v, _ := f.value(t, "910102", review.ItemRectifyRate, "2026"); v != 0 {
			t.Errorf("差评整改率: got %v, want 0", v)
		}
	})
}

// TestCalendar counts working days past weekends and the office's
// holidays, and counts a 调休 Saturday.
func TestCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if err := f.svc.SetHolidays(ctx, f.actors["office"], "2026-03-01", "2026-03-31", nil); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a city office kept the calendar: %v", err)
		}
		if err := f.svc.SetHolidays(ctx, f.actors["province"], "2026-03-01", "2026-03-31", []review.Holiday{
			{Day: "2026-03-03", Name: "测试假日"}, {Day: "2026-03-07", Workday: true, Name: "调休上班"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetHolidays(ctx, f.actors["province"], "2026-03-01", "2026-03-31", []review.Holiday{{Day: "2026-04-01", Name: "x"}}); problems(err) != "review.holiday.day_invalid@1:day" {
			t.Errorf("a day outside the range: %s", problems(err))
		}
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.Unsatisfied, "慢")))
		o := must[*review.Order](t)(f.svc.Order(ctx, f.actors["office"], f.orderOf(t, "C001")))
		// Monday 03-02: 03-03 is off, so one working day is 03-04; the
		// fifteenth is still 03-23, Saturday 03-07 being worked.
		if o.VerifyDue != "2026-03-04" || o.RectifyDue != "2026-03-23" {
			t.Errorf("due %s and %s, want 2026-03-04 and 2026-03-23", o.VerifyDue, o.RectifyDue)
		}
	})
}
