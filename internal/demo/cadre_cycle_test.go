package demo

import (
	"context"
	"errors"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/fieldwork"
	"kaohe/internal/sources"
	"kaohe/internal/survey"
)

// TestCadreCycle checks the demo's 2025 cycle of the county cadres, which
// takes every county's own democratic evaluation: every cadre is scored
// and graded, and two cadres' totals are computed here by hand from their
// vote counts — per rater group the mean points of the grades (好 100,
// 较好 80, 一般 60, 较差 0), the groups weighted 上级 0.3, 同级 0.3, 下级
// 0.2, 服务对象 0.2 (cadreDoc), scored as points (goalposts 0–100); 政治
// 定力与政治担当, which no questionnaire item measures, is the assessment
// team's judged score; then 政治素质 = 0.6 政治忠诚 + 0.4 政治定力与政治担当
// and the dimension weights 政治素质 25, 德 10, 能 15, 勤 10, 绩 30, 廉 10.
func TestCadreCycle(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	sys := auth.SystemActor("test")
	cs, err := svc.Cycles(ctx, sys, cycle.Filter{Subject: cycle.SubjectPerson, Stage: cycle.Published})
	if err != nil || len(cs) != 1 {
		t.Fatalf("published cadre cycles: %d, %v; want 1", len(cs), err)
	}
	c, err := svc.Cycle(ctx, sys, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.Ranking(ctx, sys, c.ID, cycle.RankFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []*cycle.Result
	for _, g := range first.Groups {
		rk, err := svc.Ranking(ctx, sys, c.ID, cycle.RankFilter{Group: g.Group})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rk.Rows...)
	}
	if len(rows) != c.Entities || c.Entities < 20 {
		t.Fatalf("rankings have %d rows, the cycle %d cadres", len(rows), c.Entities)
	}
	bands := map[string]bool{"优秀": true, "称职": true, "基本称职": true, "不称职": true}
	for _, r := range rows {
		if r.Total < 50 || r.Total > 100 || !bands[r.Grade] {
			t.Errorf("%s: total %.2f, grade %q; want a plausible score and a grade", r.Entity.Name, r.Total, r.Grade)
		}
	}

	// The tallies of every county evaluation, by cadre entity.
	weights := map[survey.GroupCode]float64{survey.GroupSuperior: 0.3, survey.GroupPeer: 0.3, survey.GroupSubordinate: 0.2, survey.GroupClient: 0.2}
	points := map[int]float64{}
	for k, g := range survey.ScaleTeam.Grades {
		points[k] = g.Points
	}
	tallies := map[string]map[string]float64{} // entity → item → combined points
	for _, id := range c.EvaluationIDs {
		res, err := survey.NewService(d, auth.Policy{}).Results(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		var shown []survey.GroupCode
		for _, g := range res.Groups {
			if g.Shown {
				shown = append(shown, g.Group.Code)
			}
		}
		for _, sr := range res.Subjects {
			if sr.Subject.PersonID == 0 {
				continue
			}
			byItem := map[string]float64{}
			for _, it := range sr.Items {
				sum, wsum := 0.0, 0.0
				for k, cell := range it.Groups {
					n, pts := 0, 0.0
					for grade, votes := range cell.Counts {
						n += votes
						pts += float64(votes) * points[grade]
					}
					if n >= 3 {
						sum += weights[shown[k]] * pts / float64(n)
						wsum += weights[shown[k]]
					}
				}
				byItem[it.Item.Code] = sum / wsum
			}
			tallies[db.FormatID(sr.Subject.PersonID)] = byItem
		}
	}
	for _, r := range []*cycle.Result{first.Rows[0], first.Rows[len(first.Rows)-1]} {
		v := tallies[r.Entity.ID]
		if v == nil {
			t.Fatalf("%s: no evaluation rates this cadre", r.Entity.Name)
		}
		js, err := fieldwork.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{})).JudgementsFor(ctx, sys, c.ID, r.Entity.ID)
		if err != nil || len(js) != 1 || js[0].Indicator != "CADRE_STANCE" {
			t.Fatalf("%s: judgements %v, %v; want the team's 政治定力与政治担当", r.Entity.Name, js, err)
		}
		pol := 0.6*v["political"] + 0.4*js[0].Value
		want := (25*pol + 10*v["morality"] + 15*v["ability"] + 10*v["diligence"] + 30*v["achievement"] + 10*v["integrity"]) / 100
		if math.Abs(r.Total-want) > 1e-9 {
			t.Errorf("%s (rank %d): total %.12f, by hand %.12f", r.Entity.Name, r.Rank, r.Total, want)
		}
	}
}

// TestEvaluationOverlap checks that a cycle refuses to score when two of
// its evaluations rate the same subject on the same indicator: the city's
// evaluation of the county teams and a county's own evaluation both grade
// that county's team overall (领导班子建设).
func TestEvaluationOverlap(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := Build(ctx, d, Options{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	svc := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	sys := auth.SystemActor("test")
	annual, err := svc.Cycles(ctx, sys, cycle.Filter{Kind: cycle.Annual, Subject: cycle.SubjectUnit})
	if err != nil {
		t.Fatal(err)
	}
	var base *cycle.Cycle
	for _, c := range annual {
		if c.Period == "2025" {
			base, err = svc.Cycle(ctx, sys, c.ID)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var county, own int64
	if err := d.SQL.QueryRow(`SELECT u.id, e.id FROM units u JOIN evaluations e ON e.unit_id = u.id
		WHERE u.level = 'county' AND e.kind = 'evaluation' AND e.status = 'closed' AND e.period = '2025' ORDER BY u.code LIMIT 1`).Scan(&county, &own); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Create(ctx, sys, cycle.Cycle{Code: "overlap", Name: "重复测评", Kind: cycle.Annual, Subject: cycle.SubjectUnit,
		OwnerUnitID: base.OwnerUnitID, SchemeVersionID: base.SchemeVersionID, Period: "2025",
		EvaluationIDs: []int64{base.EvaluationIDs[0], own}}, cycle.Selection{UnitIDs: []int64{county}})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		if _, err := svc.Move(ctx, sys, c.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err = svc.Run(ctx, sys, c.ID)
	var e *errs.Error
	if !errors.As(err, &e) || e.Key != "cycle.evaluation_overlap" {
		t.Fatalf("run with overlapping evaluations: got %v, want cycle.evaluation_overlap", err)
	}
}
