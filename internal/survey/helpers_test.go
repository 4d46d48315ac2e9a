package survey_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/survey"
)

var sys = auth.SystemActor("test")

// fixture is a city with a county whose leadership team has n cadres, and a
// department of the city outside the county.
type fixture struct {
	d       *db.DB
	s       *survey.Service
	city    *org.Unit
	county  *org.Unit
	sibling *org.Unit
	cadres  []*org.Person
}

func newFixture(t testing.TB, d *db.DB, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	o := org.NewService(d, auth.Policy{})
	unit := func(parent *org.Unit, code, name string, level org.Level) *org.Unit {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: org.KindRegion, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		got, err := o.CreateUnit(ctx, sys, u)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return got
	}
	f := &fixture{d: d, s: survey.NewService(d, auth.Policy{})}
	f.city = unit(nil, "910100", "青州市", org.LevelCity)
	f.county = unit(f.city, "910102", "清河区", org.LevelCounty)
	f.sibling = unit(f.city, "910121", "云溪县", org.LevelCounty)
	titles := []string{"区委书记", "区长", "区委副书记", "常务副区长", "副区长", "组织部长", "宣传部长", "纪委书记", "政法委书记", "统战部长", "副区长", "副区长"}
	for i := range n {
		p, err := o.CreatePerson(ctx, sys, org.Person{Name: fmt.Sprintf("干部%02d", i+1), Gender: org.Male, BirthDate: "1975-04-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: f.county.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: f.county.ID, Title: titles[i%len(titles)],
			Rank: org.RankDivision, Team: true, Sort: i, Start: "2023-03-01"}); err != nil {
			t.Fatal(err)
		}
		f.cadres = append(f.cadres, p)
	}
	return f
}

// evaluation creates and opens a team evaluation of the county with the
// groups and rules given, and issues codes per group.
func (f *fixture) evaluation(t testing.TB, rules survey.Rules, groups []survey.Group, codes map[survey.GroupCode]int) (*survey.Evaluation, map[survey.GroupCode][]survey.Code) {
	t.Helper()
	ctx := context.Background()
	subjects, err := f.s.TeamSubjects(ctx, sys, f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.county.ID, Kind: survey.KindEvaluation,
		Title: "2025年度清河区领导班子和领导干部民主测评", Period: "2025", Rules: rules, Groups: groups, Subjects: subjects})
	if err != nil {
		t.Fatal(err)
	}
	out := map[survey.GroupCode][]survey.Code{}
	for _, g := range groups {
		if n := codes[g.Code]; n > 0 {
			cs, err := f.s.IssueCodes(ctx, sys, e.ID, g.Code, n)
			if err != nil {
				t.Fatal(err)
			}
			out[g.Code] = cs
		}
	}
	if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
		t.Fatal(err)
	}
	return e, out
}

// fill answers every item of every subject: overall gets overall(i) for the
// i-th subject, other grade items their scale's second grade, scores 80.
func fill(e *survey.Evaluation, overall func(i int, sub *survey.Subject) string) []survey.Answer {
	var out []survey.Answer
	for i := range e.Subjects {
		sub := &e.Subjects[i]
		for _, it := range sub.Q().Items {
			a := survey.Answer{Subject: sub.ID, Item: it.Code}
			switch {
			case it.Kind == survey.ItemScore:
				v := 80.0
				a.Score = &v
			case it.Overall:
				a.Grade = overall(i, sub)
			default:
				a.Grade = it.Scale.Grades[1].Label
			}
			out = append(out, a)
		}
	}
	return out
}

// second gives every subject the second grade of its overall scale.
func second(i int, sub *survey.Subject) string { return sub.Q().Items[0].Scale.Grades[1].Label }

func wantCode(t testing.TB, err error, code errs.Code, key string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
	var e *errs.Error
	if key != "" && (!errors.As(err, &e) || e.Key != key) {
		t.Fatalf("got key of %v, want %s", err, key)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
