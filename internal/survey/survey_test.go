package survey_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/survey"
)

var twoGroups = []survey.Group{{Code: survey.GroupSuperior, Weight: 0.6}, {Code: survey.GroupSubordinate, Weight: 0.4}}

func TestLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 3)
		e, codes := f.evaluation(t, survey.Rules{MinGroupSize: 2}, twoGroups,
			map[survey.GroupCode]int{survey.GroupSuperior: 3, survey.GroupSubordinate: 2})
		if len(e.Subjects) != 4 || e.Subjects[0].Kind != survey.SubjectTeam || e.Subjects[1].Name != "干部01" ||
			e.Subjects[1].Detail != "清河区区委书记" || e.Subjects[0].Name != "清河区" {
			t.Fatalf("subjects: got %+v, want the team and 3 cadres in protocol order", e.Subjects)
		}
		code := codes[survey.GroupSuperior][0]
		// The form works with the displayed, lower-case form of the code too.
		form, err := f.s.Form(ctx, strings.ToLower(code.Display()))
		if err != nil || form.Used || !form.Open || form.Group != survey.GroupSuperior || len(form.Evaluation.Subjects) != 4 {
			t.Fatalf("form: got %+v %v, want open unused superior form", form, err)
		}
		if err := f.s.Submit(ctx, code.Code, survey.Submission{Answers: fill(e, second)}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.Submit(ctx, code.Code, survey.Submission{Answers: fill(e, second)}), errs.Conflict, survey.KeyCodeUsed)
		wantCode(t, f.s.Submit(ctx, "2222-2222-2222", survey.Submission{}), errs.NotFound, survey.KeyCodeUnknown)
		wantCode(t, f.s.Submit(ctx, "not a code", survey.Submission{}), errs.NotFound, survey.KeyCodeUnknown)
		if form, _ := f.s.Form(ctx, code.Code); !form.Used {
			t.Errorf("form after use: got unused, want used")
		}
		// Results are hidden while open; participation is live.
		_, err = f.s.Results(ctx, sys, e.ID)
		wantCode(t, err, errs.Conflict, "survey.results_hidden")
		part, err := f.s.Participation(ctx, sys, e.ID)
		if err != nil || len(part) != 2 || part[0].Issued != 3 || part[0].Used != 1 || part[1].Issued != 2 || part[1].Used != 0 {
			t.Fatalf("participation: got %+v %v", part, err)
		}
		for _, c := range codes[survey.GroupSuperior][1:] {
			if err := f.s.Submit(ctx, c.Code, survey.Submission{Answers: fill(e, second)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.Submit(ctx, codes[survey.GroupSubordinate][0].Code, survey.Submission{Answers: fill(e, second)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.Submit(ctx, codes[survey.GroupSubordinate][1].Code, survey.Submission{Answers: fill(e, second)}),
			errs.Conflict, survey.KeyNotOpen)
		_, err = f.s.IssueCodes(ctx, sys, e.ID, survey.GroupSuperior, 1)
		wantCode(t, err, errs.Conflict, "survey.closed")
		r, err := f.s.Results(ctx, sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 下级 cast 1 ballot < 2: never shown; only 上级 appears.
		if !r.Groups[0].Shown || r.Groups[1].Shown || r.Groups[0].Valid != 3 || r.Groups[1].Cast != 1 {
			t.Fatalf("groups: got %+v", r.Groups)
		}
		cadre := r.Subjects[1].Items[0]
		if len(cadre.Groups) != 1 || cadre.Combined.Votes != 3 || cadre.Combined.Counts[1] != 3 || !near(cadre.Combined.Value, 80) ||
			!near(cadre.Combined.Favourable, 1) {
			t.Errorf("cadre overall: got %+v, want 3 votes 称职, 80 points, favourable 1", cadre)
		}
		// The audit log has the set-up, codes, open and close, and no code.
		var n int
		var joined string
		rows, err := d.SQL.QueryContext(ctx, `SELECT action, after_json FROM audit_log WHERE object_type = 'evaluation'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var action, after string
			rows.Scan(&action, &after)
			joined += action + " " + after + "\n"
			n++
		}
		rows.Close()
		if n != 5 {
			t.Errorf("audit events: got %d, want 5:\n%s", n, joined)
		}
		for _, cs := range codes {
			for _, c := range cs {
				if strings.Contains(joined, c.Code) {
					t.Errorf("audit log contains code %s", c.Code)
				}
			}
		}
	})
}

func TestPermissions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	f := newFixture(t, d, 2)
	e, _ := f.evaluation(t, survey.Rules{}, twoGroups, nil)
	user := func(role auth.Role, path string) *auth.Actor {
		return &auth.Actor{UserID: 9, Login: "u", Grants: []auth.Grant{{Role: role, UnitPath: path}}}
	}
	office, viewer, other := user(auth.RoleOffice, f.city.Path), user(auth.RoleViewer, f.county.Path), user(auth.RoleOffice, f.sibling.Path)
	if _, err := f.s.Participation(ctx, office, e.ID); err != nil {
		t.Errorf("city office participation: got %v, want nil", err)
	}
	_, err := f.s.Participation(ctx, viewer, e.ID)
	wantCode(t, err, errs.Forbidden, "")
	_, err = f.s.Codes(ctx, other, e.ID)
	wantCode(t, err, errs.NotFound, "")
	_, err = f.s.Create(ctx, other, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "x", Period: "2025", Groups: twoGroups})
	wantCode(t, err, errs.NotFound, "")
	// A subject outside the organising unit is refused.
	_, err = f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation, Title: "x", Period: "2025",
		Groups: twoGroups, Subjects: []survey.Subject{{Kind: survey.SubjectTeam, UnitID: f.sibling.ID}}})
	wantCode(t, err, errs.Invalid, "survey.subject_outside")
	if l, err := f.s.List(ctx, viewer, survey.Filter{}); err != nil || len(l) != 1 {
		t.Errorf("viewer list: got %d %v, want 1", len(l), err)
	}
	if l, err := f.s.List(ctx, other, survey.Filter{}); err != nil || len(l) != 0 {
		t.Errorf("sibling office list: got %d %v, want 0", len(l), err)
	}
}

func TestValidate(t *testing.T) {
	ok := survey.Evaluation{Kind: survey.KindEvaluation, Title: "t", Period: "2025", Groups: twoGroups, Rules: survey.Rules{MinGroupSize: 5}}
	tests := []struct {
		name  string
		edit  func(e *survey.Evaluation)
		field string
	}{
		{"ok", func(e *survey.Evaluation) {}, ""},
		{"no title", func(e *survey.Evaluation) { e.Title = " " }, "title"},
		{"bad kind", func(e *survey.Evaluation) { e.Kind = "poll" }, "kind"},
		{"no groups", func(e *survey.Evaluation) { e.Groups = nil }, "groups"},
		{"unknown group", func(e *survey.Evaluation) { e.Groups = []survey.Group{{Code: "boss", Weight: 1}} }, "groups"},
		{"duplicate group", func(e *survey.Evaluation) { e.Groups = append(e.Groups, e.Groups[0]) }, "groups"},
		{"negative weight", func(e *survey.Evaluation) { e.Groups = []survey.Group{{Code: survey.GroupPeer, Weight: -1}} }, "weight"},
		{"zero weights", func(e *survey.Evaluation) { e.Groups = []survey.Group{{Code: survey.GroupPeer}} }, "weight"},
		{"survey without public", func(e *survey.Evaluation) { e.Kind = survey.KindSatisfaction }, "groups"},
		{"min size", func(e *survey.Evaluation) { e.Rules.MinGroupSize = 0 }, "min_group_size"},
		{"max top", func(e *survey.Evaluation) { e.Rules.MaxTop = -1 }, "max_top"},
		{"questionnaire", func(e *survey.Evaluation) {
			e.Subjects = []survey.Subject{{Kind: survey.SubjectTeam, UnitID: 1, Questionnaire: "x"}}
		}, "questionnaire"},
		{"cadre without person", func(e *survey.Evaluation) {
			e.Subjects = []survey.Subject{{Kind: survey.SubjectCadre, UnitID: 1, Questionnaire: "cadre"}}
		}, "subjects"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			e.Groups = append([]survey.Group(nil), ok.Groups...)
			tc.edit(&e)
			err := e.Validate()
			var got string
			var ee *errs.Error
			if errors.As(err, &ee) {
				got = ee.Field
			}
			if (err == nil) != (tc.field == "") || got != tc.field {
				t.Errorf("got %v (field %q), want field %q", err, got, tc.field)
			}
		})
	}
}

func TestValidityRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 4)
		e, codes := f.evaluation(t, survey.Rules{MinGroupSize: 1, UniformTopInvalid: true, MaxTop: 2}, twoGroups,
			map[survey.GroupCode]int{survey.GroupSuperior: 5})
		cs := codes[survey.GroupSuperior]
		top := func(i int, sub *survey.Subject) string { return sub.Q().Items[0].Scale.Best() }
		// Everyone at the top grade: refused, the code stays unused …
		err := f.s.Submit(ctx, cs[0].Code, survey.Submission{Answers: fill(e, top)})
		wantCode(t, err, errs.Invalid, survey.KeyRuleBroken)
		var ee *errs.Error
		if errors.As(err, &ee); ee.Args["rule"] != survey.RuleUniformTop {
			t.Errorf("rule: got %v, want uniform_top", ee.Args["rule"])
		}
		// … and cast as invalid when the rater insists.
		if err := f.s.Submit(ctx, cs[0].Code, survey.Submission{Answers: fill(e, top), AcceptInvalid: true}); err != nil {
			t.Fatal(err)
		}
		// Three 优秀 (team 较好): more than 2 top cadre grades.
		three := func(i int, sub *survey.Subject) string {
			if i == 0 {
				return "较好"
			}
			if i <= 3 {
				return "优秀"
			}
			return "称职"
		}
		err = f.s.Submit(ctx, cs[1].Code, survey.Submission{Answers: fill(e, three)})
		wantCode(t, err, errs.Invalid, survey.KeyRuleBroken)
		// Two 优秀 and the team 好: valid.
		two := func(i int, sub *survey.Subject) string {
			switch {
			case i == 0:
				return "好"
			case i <= 2:
				return "优秀"
			}
			return "称职"
		}
		if err := f.s.Submit(ctx, cs[1].Code, survey.Submission{Answers: fill(e, two)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.Results(ctx, sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g := r.Groups[0]; g.Cast != 2 || g.Valid != 1 || g.Invalid != 1 {
			t.Errorf("superior: got %+v, want 2 cast, 1 valid, 1 invalid", g)
		}
		// Only the valid ballot counts: cadre 1 has one 优秀.
		if c := r.Subjects[1].Items[0].Combined; c.Votes != 1 || c.Counts[0] != 1 || !near(c.Value, 100) {
			t.Errorf("cadre 1: got %+v, want one 优秀", c)
		}
	})
}

func TestAnswersChecked(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	f := newFixture(t, d, 2)
	e, codes := f.evaluation(t, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: 1})
	code := codes[survey.GroupSuperior][0].Code
	full := fill(e, second)
	bad := func(edit func([]survey.Answer) []survey.Answer) []survey.Answer {
		return edit(append([]survey.Answer(nil), full...))
	}
	v := 101.0
	tests := []struct {
		name    string
		answers []survey.Answer
		key     string
	}{
		{"missing", bad(func(a []survey.Answer) []survey.Answer { return a[1:] }), "survey.answer_missing"},
		{"duplicate", bad(func(a []survey.Answer) []survey.Answer { return append(a, a[0]) }), "survey.answer_duplicate"},
		{"unknown grade", bad(func(a []survey.Answer) []survey.Answer { a[0].Grade = "优秀"; return a }), "survey.answer_invalid"},
		{"score on a grade", bad(func(a []survey.Answer) []survey.Answer { a[0].Score = &v; return a }), "survey.answer_invalid"},
		{"unknown item", bad(func(a []survey.Answer) []survey.Answer {
			return append(a, survey.Answer{Subject: 1, Item: "x", Grade: "好"})
		}), "survey.answer_unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, f.s.Submit(ctx, code, survey.Submission{Answers: tc.answers}), errs.Invalid, tc.key)
		})
	}
	// Nothing was written: the code still casts a ballot.
	if err := f.s.Submit(ctx, code, survey.Submission{Answers: full}); err != nil {
		t.Fatal(err)
	}
}

func TestCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 1)
		e, codes := f.evaluation(t, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: 300, survey.GroupSubordinate: 5})
		seen := map[string]bool{}
		for _, c := range codes[survey.GroupSuperior] {
			if len(c.Code) != survey.CodeLen || strings.Trim(c.Code, survey.CodeAlphabet) != "" || seen[c.Code] {
				t.Fatalf("code %q: bad or repeated", c.Code)
			}
			seen[c.Code] = true
			if got, ok := survey.NormalizeCode(" " + strings.ToLower(c.Display()) + " "); !ok || got != c.Code {
				t.Fatalf("normalize %q: got %q %v", c.Display(), got, ok)
			}
		}
		for _, s := range []string{"", "0OIL-0OIL-0OIL", "ABCD", "ABCD-EFGH-JKMN-P"} {
			if _, ok := survey.NormalizeCode(s); ok {
				t.Errorf("normalize %q: got ok, want refused", s)
			}
		}
		// More codes continue the serials.
		more, err := f.s.IssueCodes(ctx, sys, e.ID, survey.GroupSubordinate, 3)
		if err != nil || more[0].Serial != 5 {
			t.Fatalf("more codes: got %+v %v, want serials from 5", more, err)
		}
		if err := f.s.Submit(ctx, more[2].Code, survey.Submission{Answers: fill(e, second)}); err != nil {
			t.Fatal(err)
		}
		all, err := f.s.Codes(ctx, sys, e.ID)
		if err != nil || len(all) != 308 || all[0].Group != survey.GroupSuperior || all[307].Code != more[2].Code || !all[307].Used || all[306].Used {
			t.Fatalf("codes: got %d %v", len(all), err)
		}
		_, err = f.s.IssueCodes(ctx, sys, e.ID, survey.GroupPeer, 3)
		wantCode(t, err, errs.Invalid, "survey.group_not_in_evaluation")
		_, err = f.s.IssueCodes(ctx, sys, e.ID, survey.GroupSuperior, survey.MaxCodes+1)
		wantCode(t, err, errs.Invalid, "survey.code_count_invalid")
		var buf bytes.Buffer
		if err := survey.WriteCSV(&buf, all[305:], "https://kaohe.example/"); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 4 || recs[3][3] != "https://kaohe.example/b/"+more[2].Code || recs[3][4] != "true" || recs[3][1] != "8" {
			t.Fatalf("csv: got %v %v", recs, err)
		}
		svg, err := survey.QRSVG(survey.BallotURL("https://kaohe.example", more[0].Code))
		if err != nil || !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "<path") {
			t.Fatalf("qr: got %.80s %v", svg, err)
		}
	})
}

func TestPublicSurvey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := dbtest.NewClock()
		d.Clock = clock.Now
		f := newFixture(t, d, 0)
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindSatisfaction,
			Title: "清河区群众满意度调查", Period: "2025", Groups: []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
			Rules: survey.Rules{MinGroupSize: 2, PublicPerHour: 3, Questions: []survey.Question{
				{Code: "town", Label: "所在街道", Options: []string{"东门街道", "西门街道"}}}},
			Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: f.county.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if e, err = f.s.Open(ctx, sys, e.ID); err != nil || len(e.PublicToken) < 20 {
			t.Fatalf("open: got token %q %v", e.PublicToken, err)
		}
		form, err := f.s.PublicForm(ctx, e.PublicToken)
		if err != nil || form.Subjects[0].Questionnaire != "satisfaction" {
			t.Fatalf("form: got %+v %v", form, err)
		}
		_, err = f.s.PublicForm(ctx, "nope")
		wantCode(t, err, errs.NotFound, "")
		answer := func(eco, svc string, town string) []survey.Answer {
			a := []survey.Answer{{Subject: e.Subjects[0].ID, Item: "ecology", Grade: eco}, {Subject: e.Subjects[0].ID, Item: "services", Grade: svc}}
			if town != "" {
				a = append(a, survey.Answer{Item: "town", Grade: town})
			}
			return a
		}
		sub := func(dev, addr string, a []survey.Answer) error {
			return f.s.SubmitPublic(ctx, e.PublicToken, survey.PublicSubmission{Answers: a, Device: dev, Addr: addr})
		}
		if err := sub("dev1", "10.0.0.1", answer("满意", "较满意", "东门街道")); err != nil {
			t.Fatal(err)
		}
		// The same device again, from anywhere: refused.
		wantCode(t, sub("dev1", "10.0.0.9", answer("一般", "一般", "")), errs.Conflict, survey.KeyDeviceAnswered)
		// The same answers from the same address with a new cookie: a duplicate.
		wantCode(t, sub("dev2", "10.0.0.1", answer("满意", "较满意", "东门街道")), errs.Conflict, survey.KeyDuplicate)
		// An unknown option of an extra question: refused.
		wantCode(t, sub("dev2", "10.0.0.1", answer("满意", "满意", "北门")), errs.Invalid, "survey.answer_invalid")
		// Different answers from the same address: accepted up to 3 an hour.
		if err := sub("dev2", "10.0.0.1", answer("一般", "较满意", "")); err != nil {
			t.Fatal(err)
		}
		if err := sub("dev3", "10.0.0.1", answer("不满意", "较满意", "")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, sub("dev4", "10.0.0.1", answer("满意", "满意", "")), errs.Conflict, survey.KeyRateLimited)
		clock.Advance(61 * 60e9)
		if err := sub("dev4", "10.0.0.1", answer("满意", "满意", "")); err != nil {
			t.Fatalf("after an hour: %v", err)
		}
		wantCode(t, sub("", "10.0.0.2", answer("满意", "满意", "")), errs.Invalid, "survey.device_required")
		part, err := f.s.Participation(ctx, sys, e.ID)
		if err != nil || part[0].Used != 4 {
			t.Fatalf("participation: got %+v %v, want 4 answers", part, err)
		}
		// Nothing about the address or device is in the ballots.
		var n int
		if err := d.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballots WHERE answers LIKE '%10.0.0%' OR answers LIKE '%dev%'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("ballots mentioning address or device: got %d %v", n, err)
		}
		if _, err := f.s.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.Results(ctx, sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		// ecology: 满意 ×2, 一般, 不满意 → (100+100+60+0)/4 = 65; favourable 2/4.
		eco := r.Subjects[0].Items[0].Combined
		if eco.Votes != 4 || !near(eco.Value, 65) || !near(eco.Favourable, 0.5) {
			t.Errorf("ecology: got %+v, want 4 votes, 65, 0.5", eco)
		}
	})
}
