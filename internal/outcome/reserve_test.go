package outcome_test

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// TestReservePool puts 张三 forward from his adopted reserve proposal and
// 李四 by nomination, refuses bad input writing nothing, admits one,
// declines the other, takes the admitted out with a reason, and keeps the
// pool from those outside the office's and leaders' scope.
func TestReservePool(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["office"]
		zhang, li := f.people["张三"].ID, f.people["李四"].ID
		f.grades(t, "张三", 2024, "优秀", "优秀")
		var reserve, promotion int64
		for _, p := range must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, office, f.units["910100"].ID)) {
			switch p.Action {
			case outcome.ActReserve:
				reserve = p.ID
			case outcome.ActPromotion:
				promotion = p.ID
			}
		}
		before := f.written(t)
		for _, tt := range []struct {
			name string
			e    outcome.Entry
			want string
		}{
			{"nothing", outcome.Entry{PersonID: li}, "outcome.reserve.level_invalid@0:level outcome.reserve.field_invalid@0:field outcome.reason_required@0:reason"},
			{"a pending proposal", outcome.Entry{PersonID: zhang, Level: "division_deputy", Field: "economy", Reason: "规则提出",
				ProposalID: reserve}, "outcome.reserve.proposal_invalid@0:proposal_id"},
			{"another's proposal", outcome.Entry{PersonID: li, Level: "division_deputy", Field: "economy", Reason: "规则提出",
				ProposalID: reserve}, "outcome.reserve.proposal_invalid@0:proposal_id"},
		} {
			if _, err := f.svc.Nominate(ctx, office, tt.e); problems(err) != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, problems(err), tt.want)
			}
		}
		for _, login := range []string{"viewer", "cadre", "yi.office", "provider"} {
			if _, err := f.svc.Nominate(ctx, f.actors[login], outcome.Entry{PersonID: li, Level: "section_chief", Field: "social",
				Reason: "推荐"}); err == nil {
				t.Errorf("%s nominated", login)
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused nominations wrote %d rows", n-before)
		}
		must[*outcome.Proposal](t)(f.svc.Decide(ctx, office, reserve, true, "同意推荐"))
		must[*outcome.Proposal](t)(f.svc.Decide(ctx, office, promotion, true, "同意"))
		if _, err := f.svc.Nominate(ctx, office, outcome.Entry{PersonID: zhang, Level: "division_deputy", Field: "economy",
			Reason: "规则提出", ProposalID: promotion}); problems(err) != "outcome.reserve.proposal_invalid@0:proposal_id" {
			t.Errorf("a promotion proposal: got %s", problems(err))
		}
		ez := must[*outcome.Entry](t)(f.svc.Nominate(ctx, office, outcome.Entry{PersonID: zhang, Level: "division_deputy",
			Field: "economy", Reason: "连续两年优秀", ProposalID: reserve}))
		el := must[*outcome.Entry](t)(f.svc.Nominate(ctx, f.actors["county.office"], outcome.Entry{PersonID: li,
			Level: "section_chief", Field: "social", Reason: "群众基础好"}))
		if ez.Source != outcome.SourceRule || el.Source != outcome.SourceNominated {
			t.Errorf("sources: %s, %s", ez.Source, el.Source)
		}
		if _, err := f.svc.Nominate(ctx, office, outcome.Entry{PersonID: li, Level: "section_chief", Field: "social",
			Reason: "再次推荐"}); problems(err) != "outcome.reserve.already@0:person" {
			t.Errorf("twice: got %s", problems(err))
		}
		if _, err := f.svc.Review(ctx, f.actors["viewer"], ez.ID, true, "同意"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a leader reviews: %v", err)
		}
		must[*outcome.Entry](t)(f.svc.Review(ctx, office, ez.ID, true, "经部务会研究同意入库"))
		must[*outcome.Entry](t)(f.svc.Review(ctx, office, el.ID, false, "任职时间不足"))
		if _, err := f.svc.Exit(ctx, office, el.ID, "调离"); !errs.Is(err, errs.Conflict) {
			t.Errorf("a declined candidate exits: %v", err)
		}
		out := must[*outcome.Entry](t)(f.svc.Exit(ctx, office, ez.ID, "已提拔使用"))
		if out.Status != outcome.Exited || out.ExitReason != "已提拔使用" {
			t.Errorf("exit: %+v", out)
		}
		for login, want := range map[string]string{"office": "2", "viewer": "2", "yi.office": "0", "cadre": "f", "provider": "f"} {
			es, err := f.svc.Pool(ctx, f.actors[login])
			got := answer(err)
			if err == nil {
				got = itoa(len(es))
			}
			if got != want {
				t.Errorf("%s's pool: got %s, want %s", login, got, want)
			}
		}
	})
}
