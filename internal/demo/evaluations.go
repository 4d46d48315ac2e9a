package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// The evaluations step holds the 2025 democratic evaluation (民主测评) of
// every county of 青州市 — its leadership team and each team member, rated
// by 上级, 同级, 下级 and 服务对象 with one-time codes — cast and closed, so
// that results and tallies are there to see; and, to try on a phone, an
// open 2026 evaluation of 清河区 with printed codes and an open public
// satisfaction survey of 青州市. At larger scales only 青州市's counties get
// evaluations, so that the build stays quick.
//
// The city also holds its own 2025 evaluation of the county leadership
// teams (teamEvaluation), rated by 上级, 同级, 下级 and 群众 with the county
// scheme's group weights: a cycle takes the tallies of one evaluation, and
// this is the one the 2025 annual cycle of the county teams takes for its
// qualitative indicator 领导班子建设 (cycles.go).

// raterCodes is a rater group of a demo evaluation, its weight and the
// number of codes issued to it.
type raterCodes struct {
	group  survey.GroupCode
	weight float64
	codes  int
}

// demoGroups are the rater groups of the demo evaluations, with the codes
// issued to each.
var demoGroups = []raterCodes{
	{survey.GroupSuperior, 0.3, 8},
	{survey.GroupPeer, 0.3, 12},
	{survey.GroupSubordinate, 0.2, 20},
	{survey.GroupClient, 0.2, 10},
}

func buildEvaluations(ctx context.Context, b *builder) error {
	r := b.rand("evaluations")
	s := survey.NewService(b.d, auth.Policy{})
	city := b.j.cities[0]
	ballots := 0
	for _, k := range city.counties {
		n, err := finishedEvaluation(ctx, b, s, r, k.unit.ID, k.unit.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", k.unit.Name, err)
		}
		ballots += n
	}
	b.logf("evaluations: %d counties evaluated, %d ballots cast", len(city.counties), ballots)
	n, err := teamEvaluation(ctx, b, s)
	if err != nil {
		return fmt.Errorf("%s county teams: %w", city.unit.Name, err)
	}
	b.logf("evaluations: %s's county teams evaluated for the 2025 annual cycle, %d ballots cast", city.unit.Name, n)
	if n, err = satisfactionSurveys(ctx, b, s); err != nil {
		return fmt.Errorf("satisfaction surveys: %w", err)
	}
	b.logf("evaluations: %d answers to the counties' 2025 satisfaction surveys", n)
	try := city.counties[0].unit
	e, codes, err := openEvaluation(ctx, b, s, try.ID, try.Name+"2026年度领导班子和领导干部民主测评（体验）", "2026")
	if err != nil {
		return err
	}
	b.logf("evaluation to try: %s, %d printed codes at /evaluations/%d/codes, e.g. /b/%s",
		e.Title, len(codes), e.ID, codes[0].Code)
	sat, err := s.Create(ctx, b.actor, survey.Evaluation{UnitID: city.unit.ID, Kind: survey.KindSatisfaction,
		Title: city.unit.Name + "2026年度群众满意度调查", Period: "2026",
		Groups:   []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
		Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: city.unit.ID}}})
	if err != nil {
		return err
	}
	if sat, err = s.Open(ctx, b.actor, sat.ID); err != nil {
		return err
	}
	b.logf("public survey to try: /s/%s", sat.PublicToken)
	return nil
}

// openEvaluation sets up, issues codes for and opens a county's evaluation.
func openEvaluation(ctx context.Context, b *builder, s *survey.Service, unitID int64, title, period string) (*survey.Evaluation, []survey.Code, error) {
	subjects, err := s.TeamSubjects(ctx, b.actor, unitID)
	if err != nil {
		return nil, nil, err
	}
	e := survey.Evaluation{UnitID: unitID, Kind: survey.KindEvaluation, Title: title, Period: period,
		Rules:    survey.Rules{MinGroupSize: 5, UniformTopInvalid: true, MaxTop: max(2, ((len(subjects)-1)*4+9)/10)},
		Subjects: subjects}
	for _, g := range demoGroups {
		e.Groups = append(e.Groups, survey.Group{Code: g.group, Weight: g.weight})
	}
	ev, err := s.Create(ctx, b.actor, e)
	if err != nil {
		return nil, nil, err
	}
	var codes []survey.Code
	for _, g := range demoGroups {
		cs, err := s.IssueCodes(ctx, b.actor, ev.ID, g.group, g.codes)
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, cs...)
	}
	if ev, err = s.Open(ctx, b.actor, ev.ID); err != nil {
		return nil, nil, err
	}
	return ev, codes, nil
}

// finishedEvaluation runs a county's 2025 evaluation: about nine in ten
// codes cast, each rater grading the team and cadres around their drawn
// standing, a ballot that breaks a rule cast as invalid; then closed.
// countyEvaluationTitle is the title of a county's democratic evaluation
// of its leadership team and cadres in a year.
func countyEvaluationTitle(county, year string) string {
	return year + "年度" + county + "领导班子和领导干部民主测评"
}

func finishedEvaluation(ctx context.Context, b *builder, s *survey.Service, r *rand.Rand, unitID int64, name string) (int, error) {
	e, codes, err := openEvaluation(ctx, b, s, unitID, countyEvaluationTitle(name, "2025"), "2025")
	if err != nil {
		return 0, err
	}
	return castAndClose(ctx, b, s, r, e, codes, 0.1, 0.35, 0.1)
}

// castAndClose casts ballots with codes and closes e. Each subject's
// standing, the chance of the top grade from a rater, is drawn from low to
// low+spread; a share absent of the raters do not come; a ballot that
// breaks a rule is cast as invalid. It returns the number of ballots.
func castAndClose(ctx context.Context, b *builder, s *survey.Service, r *rand.Rand, e *survey.Evaluation, codes []survey.Code,
	low, spread, absent float64) (int, error) {
	standing := make([]float64, len(e.Subjects))
	for i := range standing {
		standing[i] = low + spread*r.Float64()
	}
	var subs []survey.CodeSubmission
	for _, c := range codes {
		if r.Float64() < absent {
			continue // this rater did not come
		}
		var answers []survey.Answer
		for i, sub := range e.Subjects {
			for _, it := range sub.Q().Items {
				answers = append(answers, survey.Answer{Subject: sub.ID, Item: it.Code, Grade: drawGrade(r, it.Scale, standing[i])})
			}
		}
		subs = append(subs, survey.CodeSubmission{Code: c.Code, Submission: survey.Submission{Answers: answers, AcceptInvalid: true}})
	}
	if err := s.SubmitAll(ctx, subs); err != nil {
		return 0, err
	}
	if _, err := s.Close(ctx, b.actor, e.ID); err != nil {
		return 0, err
	}
	return len(subs), nil
}

// drawGrade draws a grade: the top one with chance top, the second most of
// the rest, rarely the lowest.
func drawGrade(r *rand.Rand, sc *survey.Scale, top float64) string {
	u := r.Float64()
	switch {
	case u < top:
		return sc.Grades[0].Label
	case u < top+(1-top)*0.8:
		return sc.Grades[1].Label
	case u < top+(1-top)*0.97:
		return sc.Grades[2].Label
	}
	return sc.Grades[3].Label
}

// teamGroups are the rater groups of the city's evaluation of the county
// teams: the county scheme's Rating groups and weights, with the codes
// issued to each.
var teamGroups = []raterCodes{
	{survey.GroupSuperior, 0.4, 9},
	{survey.GroupPeer, 0.3, 15},
	{survey.GroupSubordinate, 0.2, 20},
	{survey.GroupPublic, 0.1, 12},
}

// teamEvaluationTitle is the title of the city's evaluation of the county
// teams; the cycles step finds it by it.
const teamEvaluationTitle = "2025年度县（市、区）领导班子年度考核民主测评"

// teamEvaluation runs the city's 2025 evaluation of its county teams: every
// rater grades every team around its drawn standing; then closed.
func teamEvaluation(ctx context.Context, b *builder, s *survey.Service) (int, error) {
	r := b.rand("team-evaluation")
	city := b.j.cities[0]
	e := survey.Evaluation{UnitID: city.unit.ID, Kind: survey.KindEvaluation, Title: teamEvaluationTitle, Period: "2025",
		Rules: survey.Rules{MinGroupSize: 5, UniformTopInvalid: true}}
	for _, k := range city.counties {
		e.Subjects = append(e.Subjects, survey.Subject{Kind: survey.SubjectTeam, UnitID: k.unit.ID})
	}
	for _, g := range teamGroups {
		e.Groups = append(e.Groups, survey.Group{Code: g.group, Weight: g.weight})
	}
	ev, err := s.Create(ctx, b.actor, e)
	if err != nil {
		return 0, err
	}
	var codes []survey.Code
	for _, g := range teamGroups {
		cs, err := s.IssueCodes(ctx, b.actor, ev.ID, g.group, g.codes)
		if err != nil {
			return 0, err
		}
		codes = append(codes, cs...)
	}
	if ev, err = s.Open(ctx, b.actor, ev.ID); err != nil {
		return 0, err
	}
	return castAndClose(ctx, b, s, r, ev, codes, 0.15, 0.45, 0.05)
}

// satisfactionSurveyTitle is the title of a county's public satisfaction
// survey of a year; the cycles step finds it by it.
func satisfactionSurveyTitle(county, year string) string {
	return county + year + "年度群众满意度调查"
}

// satisfactionSurveys runs each county's 2025 public satisfaction survey
// (群众满意度调查): residents answer on their phones, each device once;
// then closed. Its grades on basic public services feed the county
// scheme's 群众满意度 in the 2025 annual cycle.
func satisfactionSurveys(ctx context.Context, b *builder, s *survey.Service) (int, error) {
	r := b.rand("satisfaction")
	answers := 0
	for _, k := range b.j.cities[0].counties {
		e, err := s.Create(ctx, b.actor, survey.Evaluation{UnitID: k.unit.ID, Kind: survey.KindSatisfaction,
			Title: satisfactionSurveyTitle(k.unit.Name, "2025"), Period: "2025",
			Groups:   []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
			Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: k.unit.ID}}})
		if err != nil {
			return 0, err
		}
		if e, err = s.Open(ctx, b.actor, e.ID); err != nil {
			return 0, err
		}
		standing := 0.3 + 0.4*r.Float64()
		n := 30 + r.IntN(20)
		for i := range n {
			var as []survey.Answer
			for _, it := range e.Subjects[0].Q().Items {
				as = append(as, survey.Answer{Subject: e.Subjects[0].ID, Item: it.Code, Grade: drawGrade(r, it.Scale, standing)})
			}
			err := s.SubmitPublic(ctx, e.PublicToken, survey.PublicSubmission{Answers: as,
				Device: fmt.Sprintf("demo-%s-%d", k.unit.Code, i), Addr: fmt.Sprintf("198.51.100.%d", i)})
			if err != nil {
				return 0, fmt.Errorf("%s: answer %d: %w", e.Title, i, err)
			}
		}
		if _, err := s.Close(ctx, b.actor, e.ID); err != nil {
			return 0, err
		}
		answers += n
	}
	return answers, nil
}
