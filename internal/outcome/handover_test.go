package outcome_test

import (
	"context"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// TestHandover hands 甲县's 县长 from 张三 to 李四 with the county's open
// finding listed, refuses bad input writing nothing, and lets each side
// sign once with her own sign-in and nobody else.
func TestHandover(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		fd := f.finding(t, "张三", "2025-07-15", "会议记录不全")
		zhang, li := f.people["张三"].ID, f.people["李四"].ID
		good := outcome.Handover{UnitID: f.units["910102"].ID, Title: "县长", FromPersonID: zhang, ToPersonID: li, HandedOn: "2026-03-01"}
		before := f.written(t)
		bad := good
		bad.Title, bad.HandedOn, bad.ToPersonID = "", "3月1日", zhang
		if _, err := f.svc.Hand(ctx, f.actors["office"], bad); problems(err) !=
			"outcome.handover.title_required@0:title outcome.handover.day_invalid@0:handed_on outcome.handover.same_person@0:to" {
			t.Errorf("bad: got %s", problems(err))
		}
		for _, login := range []string{"yi.office", "viewer", "cadre", "jiwei"} {
			if _, err := f.svc.Hand(ctx, f.actors[login], good); err == nil {
				t.Errorf("%s recorded a handover", login)
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused handovers wrote %d rows", n-before)
		}
		h := must[*outcome.Handover](t)(f.svc.Hand(ctx, f.actors["county.office"], good))
		if len(h.Items) != 1 || h.Items[0].ID != fd.ID || h.Items[0].Kind != outcome.ItemFinding || h.Signed() {
			t.Fatalf("handover: %+v", h)
		}
		for _, login := range []string{"office", "viewer"} {
			if _, err := f.svc.Sign(ctx, f.actors[login], h.ID); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s signs: got %v", login, err)
			}
		}
		if _, err := f.svc.Sign(ctx, f.actors["yi.office"], h.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("乙市 signs: got %v", err)
		}
		must[*outcome.Handover](t)(f.svc.Sign(ctx, f.actors["cadre"], h.ID))
		if _, err := f.svc.Sign(ctx, f.actors["cadre"], h.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("signing twice: got %v", err)
		}
		got := must[*outcome.Handover](t)(f.svc.Sign(ctx, f.actors["li"], h.ID))
		if !got.Signed() {
			t.Errorf("not signed by both: %+v", got)
		}
		for login, want := range map[string]int{"office": 1, "county.office": 1, "viewer": 1, "cadre": 1, "li": 1, "yi.office": 0} {
			if hs := must[[]*outcome.Handover](t)(f.svc.Handovers(ctx, f.actors[login])); len(hs) != want {
				t.Errorf("%s lists %d handovers, want %d", login, len(hs), want)
			}
		}
	})
}

// TestProposalPolicy tries every role in and out of its jurisdiction on
// running the rules, reading proposals and deciding them.
func TestProposalPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.grades(t, "张三", 2023, "优秀", "优秀", "优秀")
		ps := must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, sys, f.units["910100"].ID))
		id, city := ps[0].ID, f.units["910100"].ID
		for _, tt := range []struct {
			login                       string
			propose, list, read, decide string
		}{
			{"office", "y", "y", "y", "y"},
			{"county.office", "n", "y", "y", "y"},
			{"yi.office", "n", "0", "n", "n"},
			{"viewer", "f", "y", "y", "f"},
			{"cadre", "n", "f", "n", "n"},
			{"li", "n", "f", "n", "n"},
			{"provider", "n", "f", "n", "n"},
			{"team", "n", "f", "n", "n"},
			{"jiwei", "n", "f", "n", "n"},
		} {
			a := f.actors[tt.login]
			_, err := f.svc.Propose(ctx, a, city)
			if got := answer(err); got != tt.propose {
				t.Errorf("%s proposes: got %s (%v), want %s", tt.login, got, err, tt.propose)
			}
			list, err := f.svc.Proposals(ctx, a, outcome.Filter{})
			got := answer(err)
			if err == nil && len(list) == 0 {
				got = "0"
			}
			if got != tt.list {
				t.Errorf("%s lists: got %s (%v), want %s", tt.login, got, err, tt.list)
			}
			_, err = f.svc.Proposal(ctx, a, id)
			if got := answer(err); got != tt.read {
				t.Errorf("%s reads: got %s (%v), want %s", tt.login, got, err, tt.read)
			}
			if tt.decide != "y" {
				_, err = f.svc.Decide(ctx, a, id, true, "同意")
				if got := answer(err); got != tt.decide {
					t.Errorf("%s decides: got %s (%v), want %s", tt.login, got, err, tt.decide)
				}
			}
		}
		must[*outcome.Proposal](t)(f.svc.Decide(ctx, f.actors["county.office"], id, true, "同意"))
	})
}

// answer is y, f or n for nil, Forbidden and NotFound.
func answer(err error) string {
	switch {
	case err == nil:
		return "y"
	case errs.Is(err, errs.Forbidden):
		return "f"
	case errs.Is(err, errs.NotFound):
		return "n"
	}
	return "? " + err.Error()
}
