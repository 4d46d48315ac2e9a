package outcome_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/outcome"
)

// codesOf lists the cadres and rules of proposals as "name:rule", sorted.
func codesOf(ps []*outcome.Proposal) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Person+":"+p.RuleCode)
	}
	slices.Sort(out)
	return out
}

// TestProposeAndDecide runs the default rules over recorded histories:
// 张三's three years 优秀 propose 记三等功 and promotion, 李四's 基本称职 an
// 诫勉谈话, 王五 of 乙市 nothing for 甲市's office; a second run proposes
// nothing new; each proposal carries the grades it read; a decision
// needs a reason, is recorded with who and why and is taken once.
func TestProposeAndDecide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.grades(t, "张三", 2023, "优秀", "优秀", "优秀")
		f.grades(t, "李四", 2024, "称职", "基本称职")
		f.grades(t, "王五", 2023, "优秀", "优秀", "优秀")
		office := f.actors["office"]
		ps := must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, office, f.units["910100"].ID))
		want := []string{"张三:merit_three_excellent", "张三:promotion_competent", "张三:reserve_outstanding", "李四:admonish_basic"}
		slices.Sort(want)
		if got := codesOf(ps); !slices.Equal(got, want) {
			t.Fatalf("proposals: got %v, want %v", got, want)
		}
		if again := must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, office, f.units["910100"].ID)); len(again) != 0 {
			t.Errorf("a second run proposed %v", codesOf(again))
		}
		var merit *outcome.Proposal
		for _, p := range must[[]*outcome.Proposal](t)(f.svc.Proposals(ctx, office, outcome.Filter{Status: outcome.Pending})) {
			if p.RuleCode == "merit_three_excellent" {
				merit = p
			}
		}
		if merit == nil || merit.Year != 2025 || merit.Action != outcome.ActMerit || len(merit.Evidence.Grades) != 3 ||
			merit.Evidence.Grades[0].Source != "甲组考〔2023〕1号" || merit.Condition == "" {
			t.Fatalf("merit proposal: %+v", merit)
		}
		before := f.written(t)
		if _, err := f.svc.Decide(ctx, office, merit.ID, true, ""); problems(err) != "outcome.reason_required@0:reason" {
			t.Errorf("no reason: got %s", problems(err))
		}
		if n := f.written(t); n != before {
			t.Errorf("a refused decision wrote %d rows", n-before)
		}
		f.clock.Advance(time.Hour)
		p := must[*outcome.Proposal](t)(f.svc.Decide(ctx, office, merit.ID, true, "经部务会研究，同意记三等功"))
		if p.Status != outcome.Adopted || p.DecidedBy == "" || p.Reason != "经部务会研究，同意记三等功" {
			t.Errorf("decided: %+v", p)
		}
		if _, err := f.svc.Decide(ctx, office, merit.ID, false, "再议"); !errs.Is(err, errs.Conflict) {
			t.Errorf("deciding twice: got %v", err)
		}
		var action, reason string
		if err := d.SQL.QueryRow(`SELECT action, reason FROM audit_log WHERE object_type = 'outcome_proposal' AND object_id = $1
			ORDER BY seq DESC LIMIT 1`, db.FormatID(merit.ID)).Scan(&action, &reason); err != nil {
			t.Fatal(err)
		}
		if action != "outcome.decide" || reason != "经部务会研究，同意记三等功" {
			t.Errorf("audit: %s %q", action, reason)
		}
		// 乙市's office proposes 王五's merit in its own scope.
		if got := codesOf(must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, f.actors["yi.office"], f.units["910200"].ID))); !slices.Equal(got,
			[]string{"王五:merit_three_excellent", "王五:promotion_competent", "王五:reserve_outstanding"}) {
			t.Errorf("乙市: got %v", got)
		}
	})
}

// TestSaveRule refuses a rule that names an unknown field or does not
// compile, writing nothing, and runs an office's edits: a default rule
// switched off proposes nothing, an added rule proposes.
func TestSaveRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, city := f.actors["office"], f.units["910100"].ID
		f.grades(t, "张三", 2023, "优秀", "优秀", "优秀")
		before := f.written(t)
		for _, cond := range []string{`Rank <= 3`, `Streak("优秀" >= 3`, `Year`} {
			_, err := f.svc.SaveRule(ctx, office, city, outcome.Rule{Code: "top", Name: "排名前三", Action: outcome.ActMerit,
				Condition: cond, Enabled: true}, "试行")
			if problems(err) != "outcome.rule.condition_invalid@0:condition" {
				t.Errorf("%s: got %s", cond, problems(err))
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused rules wrote %d rows", n-before)
		}
		off := outcome.DefaultRules[0]
		off.Enabled = false
		must[*outcome.Rule](t)(f.svc.SaveRule(ctx, office, city, off, "本年度暂停"))
		must[*outcome.Rule](t)(f.svc.SaveRule(ctx, office, city, outcome.Rule{Code: "reserve_excellent", Name: "两年优秀推荐储备",
			Action: outcome.ActPromotion, Condition: `Streak("优秀") >= 2 && Findings == 0`, Enabled: true}, "试行"))
		rules := must[[]outcome.Rule](t)(f.svc.Rules(ctx, office, city))
		if len(rules) != len(outcome.DefaultRules)+1 || rules[0].Enabled || !rules[0].Edited || rules[len(rules)-1].Default {
			t.Errorf("rules: %+v", rules)
		}
		got := codesOf(must[[]*outcome.Proposal](t)(f.svc.Propose(ctx, office, city)))
		if !slices.Equal(got, []string{"张三:promotion_competent", "张三:reserve_excellent", "张三:reserve_outstanding"}) {
			t.Errorf("got %v", got)
		}
		// Another office's set is still the default.
		if rs := must[[]outcome.Rule](t)(f.svc.Rules(ctx, f.actors["county.office"], f.units["910102"].ID)); !rs[0].Enabled {
			t.Error("the county's merit rule is off")
		}
	})
}
