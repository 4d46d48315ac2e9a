package finding_test

import (
	"context"
	"slices"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
)

// audited is a finding of 甲市审计局 about 甲县 naming 张三, notified.
func (f *fixture) audited(t *testing.T) *finding.Finding {
	t.Helper()
	ctx := context.Background()
	d := f.draft("910102", "张三")
	d.Source, d.Category, d.Reference, d.Title = finding.SourceAudit, finding.CategoryFinance, "甲审〔2025〕7号", "专项资金闲置"
	fd := must[*finding.Finding](t)(f.svc.Create(ctx, f.actors["shenji"], d, nil))
	return must[*finding.Finding](t)(f.svc.Notify(ctx, f.actors["shenji"], fd.ID, "2025-08-01", "书面通报"))
}

// sending is a good transfer to body id.
func sending(id int64) finding.Sending {
	return finding.Sending{ToBodyID: id, SentOn: "2025-09-01", Reason: "涉嫌违纪，移送纪委监委处置"}
}

var (
	receipt  = finding.Receipt{Day: "2025-09-03", Receiver: "李明", Note: "已签收"}
	handling = finding.Handling{Day: "2025-12-01", Outcome: "移送纪委监委立案审查，给予党内警告处分"}
	back     = finding.Returning{Day: "2025-09-05", Reason: "不属于本机关管辖"}
)

// TestTransfer has the 审计局 transfer a clue to the 纪委监委, which
// receives and concludes it: bad input, the wrong body and steps out of
// order are refused and write nothing; the receiving body reads the
// finding and nobody else new does; every step is audited with its
// reason; the office reads the shared status and filters by it.
func TestTransfer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		fd := f.audited(t)
		jiwei, xuncha, yi := f.bodyIDs["jiwei"], f.bodyIDs["xuncha"], f.bodyIDs["yi.jiwei"]
		written := func() int { return f.written(t) + f.count(t, "finding_transfers") }
		before := written()

		// Before any transfer the 纪委监委 does not know the finding exists.
		if _, err := f.svc.Get(ctx, f.actors["jiwei"], fd.ID); answer(err) != 'n' {
			t.Fatalf("jiwei before the transfer: %v", err)
		}
		targets := must[[]*finding.Body](t)(f.svc.Targets(ctx, f.actors["shenji"], fd.ID))
		var names []string
		for _, b := range targets {
			names = append(names, b.Name)
		}
		if !slices.Equal(names, []string{"甲市纪委监委", "甲县委巡察办"}) {
			t.Errorf("targets: %v", names)
		}
		for _, tt := range []struct {
			name string
			a    *auth.Actor
			s    finding.Sending
			want string
		}{
			{"nothing", f.actors["shenji"], finding.Sending{}, "finding.transfer.sent_on_required@0:sent_on " +
				"finding.transfer.reason_required@0:reason finding.transfer.to_required@0:to_body_id"},
			{"to itself", f.actors["shenji"], sending(f.bodyIDs["shenji"]), "finding.transfer.to_invalid@0:to_body_id"},
			{"to another city's body", f.actors["shenji"], sending(yi), "finding.transfer.to_invalid@0:to_body_id"},
			{"to a region", f.actors["shenji"], sending(f.units["910102"].ID), "finding.transfer.to_invalid@0:to_body_id"},
			{"to no unit", f.actors["shenji"], sending(404), "finding.transfer.to_invalid@0:to_body_id"},
			{"before the finding", f.actors["shenji"], finding.Sending{ToBodyID: jiwei, SentOn: "2025-07-01", Reason: "移送"},
				"finding.transfer.sent_on_early@0:sent_on"},
			{"in the future", f.actors["shenji"], finding.Sending{ToBodyID: jiwei, SentOn: "2099-01-01", Reason: "移送"},
				"finding.transfer.sent_on_future@0:sent_on"},
			{"the receiving body", f.actors["jiwei"], sending(jiwei), "error.not_found@0:"},
			{"the office", f.actors["office"], sending(jiwei), "error.forbidden@0:"},
			{"the cadre", f.actors["cadre"], sending(jiwei), "error.forbidden@0:"},
			{"the team", f.actors["team"], sending(jiwei), "error.not_found@0:"},
			{"a provider", f.actors["provider"], sending(jiwei), "error.not_found@0:"},
			{"an office outside", f.outsider(), sending(jiwei), "error.not_found@0:"},
		} {
			if got := problems(second(f.svc.Transfer(ctx, tt.a, fd.ID, tt.s))); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := written(); n != before {
			t.Fatalf("refused transfers wrote %d rows", n-before)
		}

		tr := must[*finding.Transfer](t)(f.svc.Transfer(ctx, f.actors["shenji"], fd.ID, sending(jiwei)))
		if tr.Status != finding.TransferSent || tr.FromBody != "甲市审计局" || tr.ToBody != "甲市纪委监委" || tr.Sender != "用户shenji" {
			t.Errorf("sent: %+v", tr)
		}
		if got := problems(second(f.svc.Transfer(ctx, f.actors["shenji"], fd.ID, sending(jiwei)))); got != "finding.transfer.open@0:" {
			t.Errorf("a second open transfer to the same body: %s", got)
		}

		// The receiving body reads the finding whole; nobody else new does.
		for login, want := range map[string]byte{"jiwei": 'y', "shenji": 'y', "office": 'y', "county.office": 'y', "cadre": 'y',
			"xuncha": 'n', "yi.jiwei": 'n', "team": 'n', "viewer": 'n', "provider": 'n'} {
			if got := answer(second(f.svc.Get(ctx, f.actors[login], fd.ID))); got != want {
				t.Errorf("%s reads the transferred finding: %c, want %c", login, got, want)
			}
			l, err := f.svc.List(ctx, f.actors[login], finding.Filter{})
			listed := err == nil && slices.ContainsFunc(l.Findings, func(x *finding.Finding) bool { return x.ID == fd.ID })
			if listed != (want == 'y') {
				t.Errorf("%s lists the transferred finding: %v (%v)", login, listed, err)
			}
		}
		dt := must[*finding.Detail](t)(f.svc.Get(ctx, f.actors["jiwei"], fd.ID))
		if len(dt.People) != 1 || dt.Write || len(dt.Transfers) != 1 || !dt.Transfers[0].Act || dt.Targets != nil {
			t.Errorf("the receiving body's detail: people %v, write %v, transfers %+v, targets %v", dt.People, dt.Write, dt.Transfers, dt.Targets)
		}
		if got := answer(second(f.svc.Update(ctx, f.actors["jiwei"], fd.ID, f.draft("910102"), "改"))); got != 'f' {
			t.Errorf("the receiving body edits the finding: %c", got)
		}
		if got := must[map[finding.TransferStatus]int](t)(f.svc.Awaiting(ctx, f.actors["jiwei"])); got[finding.TransferSent] != 1 {
			t.Errorf("awaiting jiwei: %v", got)
		}
		if got := must[*finding.Detail](t)(f.svc.Get(ctx, f.actors["cadre"], fd.ID)); got.Transfers != nil {
			t.Errorf("the cadre sees the transfers: %+v", got.Transfers)
		}

		// Steps out of order, by the wrong body, or with bad input are refused.
		before = written()
		for _, tt := range []struct {
			name string
			err  error
			want string
		}{
			{"handle before receipt", second(f.svc.Handle(ctx, f.actors["jiwei"], tr.ID, handling)), "finding.transfer.out_of_order@0:"},
			{"receive as the sender", second(f.svc.Receive(ctx, f.actors["shenji"], tr.ID, receipt)), "error.forbidden@0:"},
			{"receive as the office", second(f.svc.Receive(ctx, f.actors["office"], tr.ID, receipt)), "error.forbidden@0:"},
			{"receive as another body", second(f.svc.Receive(ctx, f.actors["xuncha"], tr.ID, receipt)), "error.not_found@0:"},
			{"return as the sender", second(f.svc.Return(ctx, f.actors["shenji"], tr.ID, back)), "error.forbidden@0:"},
			{"receive no transfer", second(f.svc.Receive(ctx, f.actors["jiwei"], 404, receipt)), "error.not_found@0:"},
			{"receive with nothing", second(f.svc.Receive(ctx, f.actors["jiwei"], tr.ID, finding.Receipt{})),
				"finding.transfer.received_on_required@0:day finding.transfer.receiver_required@0:receiver"},
			{"receive before sent", second(f.svc.Receive(ctx, f.actors["jiwei"], tr.ID, finding.Receipt{Day: "2025-08-30", Receiver: "李明"})),
				"finding.transfer.received_on_early@0:day"},
		} {
			if got := problems(tt.err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := written(); n != before {
			t.Fatalf("refused steps wrote %d rows", n-before)
		}

		must[*finding.Transfer](t)(f.svc.Receive(ctx, f.actors["jiwei"], tr.ID, receipt))
		if got := problems(second(f.svc.Receive(ctx, f.actors["jiwei"], tr.ID, receipt))); got != "finding.transfer.out_of_order@0:" {
			t.Errorf("receive twice: %s", got)
		}
		if got := problems(second(f.svc.Handle(ctx, f.actors["jiwei"], tr.ID, finding.Handling{Day: "2025-12-01"}))); got !=
			"finding.transfer.outcome_required@0:outcome" {
			t.Errorf("handle without outcome: %s", got)
		}
		done := must[*finding.Transfer](t)(f.svc.Handle(ctx, f.actors["jiwei"], tr.ID, handling))
		if done.Status != finding.TransferHandled || done.Outcome != handling.Outcome {
			t.Errorf("handled: %+v", done)
		}
		if got := problems(second(f.svc.Return(ctx, f.actors["jiwei"], tr.ID, back))); got != "finding.transfer.out_of_order@0:" {
			t.Errorf("return a concluded transfer: %s", got)
		}

		// The office reads the shared status, and every step in the history with its reason.
		dt = must[*finding.Detail](t)(f.svc.Get(ctx, f.actors["office"], fd.ID))
		if dt.TransferStatus != finding.TransferHandled || dt.TransferTo != "甲市纪委监委" || len(dt.Transfers) != 1 ||
			dt.Transfers[0].ReceivedOn != receipt.Day || dt.Transfers[0].Receiver != "李明" || dt.Transfers[0].HandledOn != handling.Day ||
			dt.Transfers[0].Act {
			t.Errorf("office's detail: %s %s %+v", dt.TransferStatus, dt.TransferTo, dt.Transfers)
		}
		var steps []string
		for _, c := range dt.History[:3] {
			steps = append(steps, c.Action+": "+c.Reason)
		}
		if want := []string{"finding.transfer.handled: " + handling.Outcome, "finding.transfer.received: 已签收",
			"finding.transfer: 涉嫌违纪，移送纪委监委处置"}; !slices.Equal(steps, want) {
			t.Errorf("history: %q, want %q", steps, want)
		}
		for _, tt := range []struct {
			tr   finding.TransferStatus
			want int
		}{{finding.TransferHandled, 1}, {finding.TransferSent, 0}, {finding.TransferNone, 0}} {
			l := must[*finding.List](t)(f.svc.List(ctx, f.actors["office"], finding.Filter{Transfer: tt.tr}))
			if l.Total != tt.want {
				t.Errorf("office's list filtered %s: %d, want %d", tt.tr, l.Total, tt.want)
			}
		}
		if got := problems(second(f.svc.List(ctx, f.actors["office"], finding.Filter{Transfer: "lost"}))); got != "finding.transfer_invalid@0:transfer" {
			t.Errorf("bad filter: %s", got)
		}

		// A return: the 巡察办 returns a clue, which may then be sent to it again.
		r := must[*finding.Transfer](t)(f.svc.Transfer(ctx, f.actors["shenji"], fd.ID, sending(xuncha)))
		if got := problems(second(f.svc.Return(ctx, f.actors["xuncha"], r.ID, finding.Returning{Day: "2025-09-05"}))); got !=
			"finding.transfer.return_reason_required@0:reason" {
			t.Errorf("return without reason: %s", got)
		}
		must[*finding.Transfer](t)(f.svc.Return(ctx, f.actors["xuncha"], r.ID, back))
		if got := problems(second(f.svc.Receive(ctx, f.actors["xuncha"], r.ID, receipt))); got != "finding.transfer.out_of_order@0:" {
			t.Errorf("receive a returned transfer: %s", got)
		}
		l := must[*finding.List](t)(f.svc.List(ctx, f.actors["office"], finding.Filter{Transfer: finding.TransferReturned}))
		if l.Total != 1 || l.Findings[0].TransferTo != "甲县委巡察办" {
			t.Errorf("returned in the office's list: %d", l.Total)
		}
		must[*finding.Transfer](t)(f.svc.Transfer(ctx, f.actors["shenji"], fd.ID, sending(xuncha)))

		// A voided finding is not transferred.
		cleared := f.audited(t)
		must[*finding.Clarification](t)(f.svc.Clarify(ctx, f.actors["shenji"], cleared.ID, clearing))
		if got := problems(second(f.svc.Transfer(ctx, f.actors["shenji"], cleared.ID, sending(jiwei)))); got != "finding.closed@0:" {
			t.Errorf("transfer a voided finding: %s", got)
		}
		if got := answer(second(f.svc.Targets(ctx, f.actors["jiwei"], cleared.ID))); got != 'n' {
			t.Errorf("targets of another's finding: %c", got)
		}
	})
}
