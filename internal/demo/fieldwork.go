package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/fieldwork"
	"kaohe/internal/sources"
)

// The field-work step opens the 2026 annual cycle of 青州市's county teams
// — collecting, not scored yet — and records the first weeks of the
// assessment team's (kaohezu) field work on it, as the team: verifications
// of the first counties, one with its site record as evidence; interviews
// with their cadres; and judgements of the Party-building indicators. The
// other counties are still to do, so that the team's task list shows work
// done and work ahead. The days are the days before the build.

// fieldCycleCode is the code of the cycle the team works on.
const fieldCycleCode = "qingzhou-county-2026"

// demoChecks are what the team checked in each county it has visited, and
// what it found.
var demoChecks = []struct{ checked, finding string }{
	{"党建工作责任制落实台账及“三会一课”记录", "台账齐全，2026年度“三会一课”记录完整；个别支部组织生活会会议记录缺少整改清单。"},
	{"重点项目现场（产业园区二期、城乡供水一体化工程）", "两个项目均按进度推进，供水工程三季度末完成投资占年度计划的78%，与报送情况一致。"},
	{"党风廉政建设责任清单及信访件办理记录", "责任清单分解到各分管领导；两件信访件办结超期，已督促说明原因。"},
}

// demoNotes are the gist of the interviews, by county.
var demoNotes = []string{
	"谈话对象认为县委班子团结、议事规则执行较好，重大事项集体决策；建议加大对乡镇干部的培训力度。",
	"谈话对象反映班子成员分工明确，抓项目落实有力；个别部门之间协调还不够顺畅。",
}

// demoJudgements are the team's judgements of the first two counties:
// scores of 党建工作责任制落实 and 党风廉政建设, and a grade of 领导班子建设.
var demoJudgements = []struct {
	duty, clean float64
	team        string
}{{88, 85, "较好"}, {82, 90, "好"}}

// demoEvidence is a site record as a one-page PDF.
var demoEvidence = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

// buildFieldwork opens the cycle and records the team's field work.
func buildFieldwork(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	v3, err := schemeVersion(ctx, b, countySchemeCode)
	if err != nil {
		return err
	}
	var ids []int64
	for _, c := range city.counties {
		ids = append(ids, c.unit.ID)
	}
	cycles := cycle.NewService(b.d, auth.Policy{}, sources.Cycle())
	// The year's quarterly cycles count in the annual result, each with
	// the same weight, through 平时考核 (R2.1, R2.5).
	quarters, err := cycles.Cycles(ctx, b.actor, cycle.Filter{Kind: cycle.Ordinary, Stage: cycle.Published})
	if err != nil {
		return err
	}
	var parts []cycle.Part
	for _, q := range quarters {
		if strings.HasPrefix(q.Period, "2026Q") && q.Subject == cycle.SubjectUnit {
			parts = append(parts, cycle.Part{CycleID: q.ID, Weight: 1})
		}
	}
	c, err := cycles.Create(ctx, b.actor, cycle.Cycle{Code: fieldCycleCode, Name: "2026年度县（市、区）领导班子综合考核", Kind: cycle.Annual,
		Subject: cycle.SubjectUnit, OwnerUnitID: city.unit.ID, SchemeVersionID: v3, Period: "2026", EndsOn: "2026-12-31", Draws: 100,
		Parts: parts, FoldIndicator: "ORDINARY_RESULT"},
		cycle.Selection{UnitIDs: ids})
	if err != nil {
		return fmt.Errorf("cycle %s: %w", fieldCycleCode, err)
	}
	if _, err := cycles.Move(ctx, b.actor, c.ID, cycle.Collecting, "启动年度考核"); err != nil {
		return err
	}
	team, err := teamActor(ctx, b)
	if err != nil {
		return err
	}
	field := fieldwork.NewService(b.d, auth.Policy{}, collect.NewService(b.d, auth.Policy{}))
	r := b.rand("fieldwork")
	today := b.d.Clock().UTC()
	day := func(back int) string { return today.AddDate(0, 0, -back).Format(time.DateOnly) }
	n := min(len(city.counties), len(demoChecks))
	for i, k := range city.counties[:n] {
		key := db.FormatID(k.unit.ID)
		nv := fieldwork.NewVerification{CheckedOn: day(20 - 3*i), Checked: demoChecks[i].checked, Finding: demoChecks[i].finding}
		if i == 0 {
			nv.Files = []fieldwork.Upload{{Name: k.unit.Name + "实地核查记录.pdf", Data: demoEvidence}}
		}
		if _, err := field.Verify(ctx, team, c.ID, key, nv); err != nil {
			return fmt.Errorf("verification of %s: %w", k.unit.Name, err)
		}
		if i < len(demoNotes) {
			rec, err := field.Record(ctx, team, c.ID, key)
			if err != nil {
				return err
			}
			if len(rec.People) == 0 {
				return fmt.Errorf("interview in %s: nobody to interview", k.unit.Name)
			}
			if _, err := field.Interview(ctx, team, c.ID, key, fieldwork.NewInterview{PersonID: rec.People[r.IntN(len(rec.People))].ID,
				HeldOn: day(19 - 3*i), Interviewer: "考核组 " + personName(r, false) + "、" + personName(r, true), Notes: demoNotes[i]}); err != nil {
				return fmt.Errorf("interview in %s: %w", k.unit.Name, err)
			}
		}
		if i < len(demoJudgements) {
			j := demoJudgements[i]
			score := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
			if _, err := field.Judge(ctx, team, c.ID, key, []fieldwork.JudgementRow{
				{Row: 1, Indicator: "PARTY_DUTY", Score: score(j.duty), Basis: "实地核查党建工作责任制落实台账，" + demoChecks[i].finding},
				{Row: 2, Indicator: "PARTY_CLEAN", Score: score(j.clean), Basis: "查阅党风廉政建设责任清单，结合个别谈话情况评定。"},
				{Row: 3, Indicator: "PARTY_TEAM", Grade: j.team, Basis: "个别谈话反映班子团结协作，民主集中制执行较好。"},
			}); err != nil {
				return fmt.Errorf("judgements of %s: %w", k.unit.Name, err)
			}
		}
	}
	b.logf("fieldwork: cycle %s collecting, %d of %d counties visited by the assessment team", fieldCycleCode, n, len(ids))
	return nil
}

// teamActor is the assessment team's sign-in (kaohezu) as an actor.
func teamActor(ctx context.Context, b *builder) (*auth.Actor, error) {
	var gs []auth.RoleGrant
	err := b.d.View(ctx, func(tx *db.Tx) (err error) {
		gs, err = auth.GrantsOf(ctx, tx, auth.RoleTeam)
		return err
	})
	if err != nil {
		return nil, err
	}
	paths := map[int64]string{}
	for _, u := range b.j.units {
		paths[u.ID] = u.Path
	}
	for _, g := range gs {
		if g.Login == "kaohezu" {
			return &auth.Actor{UserID: g.UserID, Login: g.Login, Name: g.Name, Lang: auth.DefaultLang,
				Grants: []auth.Grant{{Role: auth.RoleTeam, UnitID: g.UnitID, UnitPath: paths[g.UnitID]}}}, nil
		}
	}
	return nil, fmt.Errorf("no sign-in kaohezu of the assessment team")
}

// judgeAll records the assessment team's judgements of every entity of
// cycle id, each entity's rows from rows: how the team's 定性评价 reaches
// the indicators no questionnaire or data item measures.
func judgeAll(ctx context.Context, b *builder, id int64, rows func(r *rand.Rand) []fieldwork.JudgementRow) error {
	team, err := teamActor(ctx, b)
	if err != nil {
		return err
	}
	field := fieldwork.NewService(b.d, auth.Policy{}, collect.NewService(b.d, auth.Policy{}))
	ts, err := field.Tasks(ctx, team, id, fieldwork.ShowAll)
	if err != nil {
		return err
	}
	r := b.rand("judgements " + ts.Cycle.Code)
	for _, t := range ts.Rows {
		if _, err := field.Judge(ctx, team, id, t.Entity.ID, rows(r)); err != nil {
			return fmt.Errorf("judgements of %s: %w", t.Entity.Name, err)
		}
	}
	return nil
}

// judgedScore draws a judged score from lo to hi, to one decimal.
func judgedScore(r *rand.Rand, lo, hi float64) string {
	return strconv.FormatFloat(round(lo+(hi-lo)*r.Float64(), 1), 'f', -1, 64)
}
