package finding_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// notified records a finding of 甲市纪委监委 about 甲县 naming people and
// notifies it.
func (f *fixture) notified(t *testing.T, people ...string) *finding.Finding {
	t.Helper()
	ctx := context.Background()
	fd := must[*finding.Finding](t)(f.svc.Create(ctx, f.actors["jiwei"], f.draft("910102", people...), nil))
	return must[*finding.Finding](t)(f.svc.Notify(ctx, f.actors["jiwei"], fd.ID, "2025-08-01", "书面通报"))
}

// outsider is the office of 乙市: an office whose jurisdiction does not
// hold 甲县.
func (f *fixture) outsider() *auth.Actor {
	u := f.units["910200"]
	return &auth.Actor{UserID: 990, Login: "yi.office", Name: "乙市考核办", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: u.ID,
		UnitPath: u.Path}}}
}

// complete answers every item of the checklist.
func complete() []finding.Check {
	var out []finding.Check
	for _, c := range finding.Criteria {
		out = append(out, finding.Check{Criterion: c, Answer: "yes", Note: "经核实：" + string(c)})
	}
	return out
}

var (
	deliberation = finding.Deliberation{MeetingOn: "2026-03-02", Body: "县委常委会", Conclusion: "符合容错情形，同意免责"}
	feedback     = finding.Feedback{Day: "2026-03-02", To: "书面告知本人", Note: "决定予以免责"}
)

// stepFn takes one step of exemption id as actor a.
type stepFn func(a *auth.Actor, id int64) error

func steps(f *fixture) map[finding.Step]stepFn {
	ctx := context.Background()
	return map[finding.Step]stepFn{
		finding.StepVerified: func(a *auth.Actor, id int64) error {
			return second(f.svc.VerifyExemption(ctx, a, id, "调阅会议记录，属实"))
		},
		finding.StepDeliberated: func(a *auth.Actor, id int64) error {
			return second(f.svc.DeliberateExemption(ctx, a, id, deliberation))
		},
		finding.StepDecided: func(a *auth.Actor, id int64) error {
			return second(f.svc.DecideExemption(ctx, a, id, finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "三个区分开来，予以免责",
				Checks: complete()}))
		},
		finding.StepFedBack: func(a *auth.Actor, id int64) error {
			return second(f.svc.FeedBackExemption(ctx, a, id, feedback))
		},
	}
}

// TestExemptionProcedure walks an exemption through every step in order:
// each step is recorded with who and what, each writes an audit event with
// its reason, the decision to exempt sets the finding exempted — counting
// nothing in the cycle's records — and the exempted finding changes no
// more.
func TestExemptionProcedure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		fd := f.notified(t, "张三")
		cadre, office := f.actors["cadre"], f.actors["county.office"]
		e := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, cadre, fd.ID,
			finding.Application{PersonID: f.people["张三"].ID, Statement: "为推进项目按期开工，先行先试，未谋私利"}))
		if e.Step != finding.StepApplied || e.Next() != finding.StepVerified {
			t.Fatalf("applied: %+v", e)
		}
		if _, err := f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{Statement: "单位申请"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second application while one is under review: got %v, want Conflict", err)
		}
		st := steps(f)
		for _, s := range finding.Steps[1:] {
			if err := st[s](office, e.ID); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		r := must[*finding.Review](t)(f.svc.Review(ctx, office, fd.ID))
		if r.Status != finding.Exempted || len(r.Exemptions) != 1 || r.Open != nil || r.Apply || r.Next != "" {
			t.Fatalf("review: %+v", r)
		}
		got := r.Exemptions[0]
		var trail []string
		for _, s := range got.Steps {
			trail = append(trail, string(s.Step)+":"+s.User+":"+s.Day+":"+s.Body)
		}
		want := []string{"applied:用户cadre::", "verified:用户county.office::", "deliberated:用户county.office:2026-03-02:县委常委会",
			"decided:用户county.office::", "fed_back:用户county.office:2026-03-02:书面告知本人"}
		if !slices.Equal(trail, want) {
			t.Errorf("steps: got %q, want %q", trail, want)
		}
		if got.Outcome != finding.OutcomeExempt || len(got.Checks) != len(finding.Criteria) || !got.Checks[0].Yes() {
			t.Errorf("decision: %s, checks %+v", got.Outcome, got.Checks)
		}
		if got.Person != "张三" {
			t.Errorf("person: got %q", got.Person)
		}

		dt := must[*finding.Detail](t)(f.svc.Get(ctx, office, fd.ID))
		var history []string
		for _, c := range dt.History {
			history = append(history, c.Action+":"+c.Reason)
		}
		want = []string{"finding.exemption.feed_back:决定予以免责", "finding.exemption.decide:三个区分开来，予以免责",
			"finding.exempt:三个区分开来，予以免责", "finding.exemption.deliberate:符合容错情形，同意免责",
			"finding.exemption.verify:调阅会议记录，属实", "finding.exemption.apply:为推进项目按期开工，先行先试，未谋私利",
			"finding.notify:书面通报", "finding.create:"}
		slices.Sort(want[1:3])
		slices.Sort(history[1:3])
		if !slices.Equal(history, want) {
			t.Errorf("history: got %q, want %q", history, want)
		}
		for _, c := range dt.History {
			if c.Action == "finding.exempt" && (!strings.Contains(c.Before, `"active"`) || !strings.Contains(c.After, `"exempted"`)) {
				t.Errorf("status change: %s → %s", c.Before, c.After)
			}
			if c.Action == "finding.exemption.decide" {
				var after struct {
					Outcome string           `json:"outcome"`
					Checks  []map[string]any `json:"checks"`
				}
				if err := json.Unmarshal([]byte(c.After), &after); err != nil || after.Outcome != "exempt" || len(after.Checks) != 5 {
					t.Errorf("decision event: %s (%v)", c.After, err)
				}
			}
		}

		// The cycle reads the status: the exempted finding is listed, counting nothing.
		var recs []finding.Record
		err := d.View(ctx, func(tx *db.Tx) error {
			var err error
			recs, err = finding.Records(ctx, tx, "person", "2025", []int64{f.people["张三"].ID})
			return err
		})
		if err != nil || len(recs) != 1 || recs[0].Status != string(finding.Exempted) {
			t.Fatalf("records: %+v (%v)", recs, err)
		}
		// Exempted, it changes no more and takes no new application.
		if _, err := f.svc.Update(ctx, f.actors["jiwei"], fd.ID, f.draft("910102"), "复核"); !errs.Is(err, errs.Conflict) {
			t.Errorf("update of an exempted finding: got %v, want Conflict", err)
		}
		if _, err := f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{Statement: "再次申请"}); problems(err) != "finding.closed@0:" {
			t.Errorf("apply for an exempted finding: got %v", err)
		}
	})
}

// TestExemptionOrder refuses each step out of its order, writing nothing;
// a refusal leaves the finding active and a new application may follow
// once it is fed back.
func TestExemptionOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["county.office"]
		fd := f.notified(t, "张三")
		e := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{PersonID: f.people["张三"].ID,
			Statement: "代为申请"}))
		st := steps(f)
		for i, at := range finding.Steps[:len(finding.Steps)-1] {
			// The review stands at `at`: every step but the next is refused.
			for _, s := range finding.Steps[1:] {
				if s == finding.Steps[i+1] {
					continue
				}
				before := f.written(t) + f.count(t, "finding_exemption_steps")
				err := st[s](office, e.ID)
				if !errs.Is(err, errs.Conflict) || problems(err) != "finding.exemption.out_of_order@0:" {
					t.Errorf("at %s, %s: got %v, want out of order", at, s, err)
				}
				if n := f.written(t) + f.count(t, "finding_exemption_steps"); n != before {
					t.Errorf("at %s, %s out of order wrote %d rows", at, s, n-before)
				}
			}
			next := finding.Steps[i+1]
			if next == finding.StepDecided {
				err := second(f.svc.DecideExemption(ctx, office, e.ID, finding.Decision{Outcome: finding.OutcomeRefuse,
					Rationale: "存在谋私情形，不予免责", Checks: []finding.Check{{Criterion: finding.CriterionPublicInterest, Answer: "no",
						Note: "收受礼金"}}}))
				if err != nil {
					t.Fatalf("refuse: %v", err)
				}
				continue
			}
			if err := st[next](office, e.ID); err != nil {
				t.Fatalf("%s: %v", next, err)
			}
		}
		// The review is done; no step follows.
		for _, s := range finding.Steps[1:] {
			if err := st[s](office, e.ID); !errs.Is(err, errs.Conflict) {
				t.Errorf("after feedback, %s: got %v, want Conflict", s, err)
			}
		}
		r := must[*finding.Review](t)(f.svc.Review(ctx, office, fd.ID))
		if r.Status != finding.Active || r.Exemptions[0].Outcome != finding.OutcomeRefuse || !r.Apply {
			t.Fatalf("refused: %+v", r)
		}
		must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{Statement: "补充新的事实后再次申请"}))
	})
}

// TestExemptionRoles has each step taken by those who may not: the cadre
// beyond her application, the body that recorded the finding, another
// body, the team, a viewer, a provider, an office outside the
// jurisdiction. Who reads the finding is Forbidden, anyone else NotFound;
// nothing is written.
func TestExemptionRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["office"]
		fd := f.notified(t, "张三")
		hidden := must[*finding.Finding](t)(f.svc.Create(ctx, f.actors["jiwei"], f.draft("910102", "张三"), nil))
		zhang := f.people["张三"].ID
		actors := []string{"cadre", "jiwei", "shenji", "xuncha", "team", "viewer", "provider", "yi.office"}
		actor := func(login string) *auth.Actor {
			if login == "yi.office" {
				return f.outsider()
			}
			return f.actors[login]
		}
		// want per actor: apply for 张三, apply for the unit, apply for 张三
		// before notice, then verify, deliberate, decide, feed back.
		want := map[string]string{
			"cadre":     "yfn ffff",
			"jiwei":     "fff ffff",
			"shenji":    "nnn nnnn",
			"xuncha":    "nnn nnnn",
			"team":      "nnn nnnn",
			"viewer":    "nnn nnnn",
			"provider":  "nnn nnnn",
			"yi.office": "nnn nnnn",
		}
		st := steps(f)
		for _, login := range actors {
			w := strings.ReplaceAll(want[login], " ", "")
			a := actor(login)
			before := f.written(t) + f.count(t, "finding_exemptions")
			got := []byte{
				answer(second(f.svc.ApplyExemption(ctx, a, fd.ID, finding.Application{PersonID: zhang, Statement: "申请"}))),
				answer(second(f.svc.ApplyExemption(ctx, a, fd.ID, finding.Application{Statement: "申请"}))),
				answer(second(f.svc.ApplyExemption(ctx, a, hidden.ID, finding.Application{PersonID: zhang, Statement: "申请"}))),
			}
			if got[0] == 'y' {
				// The cadre applied: the review's steps are what is tried next.
				before = f.written(t) + f.count(t, "finding_exemptions")
			}
			r := must[*finding.Review](t)(f.svc.Review(ctx, office, fd.ID))
			if r.Open == nil {
				r.Open = must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{PersonID: zhang,
					Statement: "代为申请"}))
				before = f.written(t) + f.count(t, "finding_exemptions")
			}
			for i, s := range finding.Steps[1:] {
				got = append(got, answer(st[s](a, r.Open.ID)))
				// The office takes the step so that the next one is in order.
				if i < 3 {
					if err := st[s](office, r.Open.ID); err != nil {
						t.Fatalf("office %s: %v", s, err)
					}
					before = f.written(t) + f.count(t, "finding_exemptions")
				}
			}
			if string(got) != w {
				t.Errorf("%s: got %s, want %s", login, got, w)
			}
			if n := f.written(t) + f.count(t, "finding_exemptions"); n != before {
				t.Errorf("%s: refused steps wrote %d rows", login, n-before)
			}
			// Start afresh on a new finding for the next actor.
			fd = f.notified(t, "张三")
		}
	})
}

// TestExemptionChecklist refuses a decision to exempt without every item
// of the checklist answered, naming each missing item; a refusal may
// leave items open; bad evidence is refused; nothing is written.
func TestExemptionChecklist(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["county.office"]
		fd := f.notified(t, "张三")
		e := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{Statement: "代单位申请"}))
		if _, err := f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{PersonID: f.people["王五"].ID,
			Statement: "代为申请"}); problems(err) != "finding.exemption.person_unknown@0:person_id" {
			t.Errorf("apply for a cadre the finding does not name: got %v", err)
		}
		must[*finding.Exemption](t)(f.svc.VerifyExemption(ctx, office, e.ID, "属实"))
		must[*finding.Exemption](t)(f.svc.DeliberateExemption(ctx, office, e.ID, deliberation))
		before := f.written(t) + f.count(t, "finding_exemption_checks") + f.count(t, "finding_exemption_files")
		for _, tt := range []struct {
			name string
			d    finding.Decision
			want string
		}{
			{"nothing", finding.Decision{}, "finding.exemption.outcome_required@0:outcome finding.exemption.rationale_required@0:note"},
			{"no checklist", finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "免责"},
				"finding.exemption.missing.public_interest@0:check.public_interest finding.exemption.missing.mistake@0:check.mistake " +
					"finding.exemption.missing.exploratory@0:check.exploratory finding.exemption.missing.remedied@0:check.remedied " +
					"finding.exemption.missing.no_grave_harm@0:check.no_grave_harm"},
			{"two missing", finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "免责", Checks: complete()[:3]},
				"finding.exemption.missing.remedied@0:check.remedied finding.exemption.missing.no_grave_harm@0:check.no_grave_harm"},
			{"neither yes nor no", finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "免责", Checks: func() []finding.Check {
				c := complete()
				c[1].Answer = "maybe"
				return c
			}()}, "finding.exemption.missing.mistake@0:check.mistake"},
			{"no note", finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "免责", Checks: func() []finding.Check {
				c := complete()
				c[4].Note = ""
				return c
			}()}, "finding.exemption.check_note_required@0:check.no_grave_harm"},
			{"bad evidence", finding.Decision{Outcome: finding.OutcomeExempt, Rationale: "免责", Checks: func() []finding.Check {
				c := complete()
				c[0].Files = []finding.Upload{{Name: "x.exe", Data: []byte("MZ")}}
				return c
			}()}, "finding.evidence.type@0:check.public_interest"},
			{"unknown item", finding.Decision{Outcome: finding.OutcomeRefuse, Rationale: "不予免责",
				Checks: []finding.Check{{Criterion: "luck", Answer: "yes", Note: "运气"}}}, "finding.exemption.criterion_unknown@0:checks"},
			{"odd outcome", finding.Decision{Outcome: "pardon", Rationale: "免责", Checks: complete()}, "finding.exemption.outcome_invalid@0:outcome"},
		} {
			if got := problems(second(f.svc.DecideExemption(ctx, office, e.ID, tt.d))); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := f.written(t) + f.count(t, "finding_exemption_checks") + f.count(t, "finding_exemption_files"); n != before {
			t.Fatalf("refused decisions wrote %d rows", n-before)
		}
		c := complete()
		c[2].Files = []finding.Upload{{Name: "改革试点方案.pdf", Data: pdf}}
		got := must[*finding.Exemption](t)(f.svc.DecideExemption(ctx, office, e.ID, finding.Decision{Outcome: finding.OutcomeExempt,
			Rationale: "符合容错情形", Checks: c}))
		r := must[*finding.Review](t)(f.svc.Review(ctx, f.actors["cadre"], fd.ID))
		if got.Outcome != finding.OutcomeExempt || len(r.Exemptions) != 1 || len(r.Exemptions[0].Checks[2].Stored) != 1 {
			t.Fatalf("decided: %+v", r.Exemptions)
		}
		if got.Checks[2].Stored[0].FindingID != fd.ID {
			t.Errorf("stored evidence: finding %d, want %d", got.Checks[2].Stored[0].FindingID, fd.ID)
		}
		file := r.Exemptions[0].Checks[2].Stored[0]
		if _, data, err := f.svc.ExemptionFile(ctx, f.actors["cadre"], file.ID); err != nil || string(data) != string(pdf) {
			t.Errorf("evidence for the cadre: %v", err)
		}
		if _, _, err := f.svc.ExemptionFile(ctx, f.actors["team"], file.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("evidence for the team: got %v, want NotFound", err)
		}
	})
}
