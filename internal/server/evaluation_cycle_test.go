package server

import (
	"context"
	"fmt"
	"kaohe/internal/sources"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/survey"
)

// TestEvaluationFeedsCycle runs a democratic evaluation end to end — codes,
// ballots cast on the phone pages, closing — then a cycle whose scheme has
// a qualitative indicator fed by it, and checks the snapshot's indicator
// values and totals against numbers worked out by hand from the ballots.
// A second evaluation with other ballots, feeding a second cycle of the
// same scheme version, moves the totals as the ballots say. The profile and
// cadre pages show the tallies (民主测评结果) to those who may see them, and
// result flags by their labels.
func TestEvaluationFeedsCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sys := auth.SystemActor("test")
		f := newFixture(t, d)
		county := f.units["330102"]
		orgs := org.NewService(d, auth.Policy{})
		wang, err := orgs.CreatePerson(ctx, sys, org.Person{Name: "王五", Gender: org.Male, BirthDate: "1978-01-01", Ethnicity: "汉族",
			Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: county.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orgs.AssignPost(ctx, sys, org.Post{PersonID: wang.ID, UnitID: county.ID, Title: "县长", Rank: org.RankDivision,
			Team: true, Sort: 1, Start: "2022-01-01"}); err != nil {
			t.Fatal(err)
		}
		zhang := f.inPerson
		me, him := strconv.FormatInt(zhang.ID, 10), strconv.FormatInt(wang.ID, 10)

		// The performance value of each cadre: 张三 70, 王五 90.
		now := d.Clock().UnixMicro()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.SQL.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO data_items (id, code, name, owner_unit_id, frequency, value_type, required, entity_kind, created_at, updated_at)
			VALUES ($1, 'PERF', '工作实绩', $2, 'annual', 'number', FALSE, 'person', $3, $3)`, db.NewID(), f.units["330100"].ID, now)
		for _, v := range []struct {
			person int64
			value  float64
		}{{zhang.ID, 70}, {wang.ID, 90}} {
			exec(`INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source, submitter_id, status,
				version, is_current, reason, flagged, created_at) VALUES ($1, 'person', $2, 'PERF', '2025', $3, 'api', 0, 'verified', 1, TRUE, '', FALSE, $4)`,
				db.NewID(), v.person, v.value, now)
		}

		// The scheme: 0.4 performance, 0.6 the evaluation's overall grade
		// (mean points: 优秀 100, 称职 80, 基本称职 60, 不称职 0), both on
		// goalposts 0–100 so that the normalised value is the raw one.
		// Rater groups 上级 0.6, 同级 0.4, 下级 0.2, at least 2 ballots each.
		schemes := scheme.NewService(d, auth.Policy{})
		if _, err := schemes.SaveIndicator(ctx, sys, scheme.Indicator{Code: "PERF", Name: "工作实绩", Kind: score.KindQuantitative, DataItem: "PERF"}); err != nil {
			t.Fatal(err)
		}
		if _, err := schemes.SaveIndicator(ctx, sys, scheme.Indicator{Code: "VOTE", Name: "民主测评", Kind: score.KindQualitative,
			DataItem: survey.ItemRef("cadre", "overall")}); err != nil {
			t.Fatal(err)
		}
		lo, hi := 0.0, 100.0
		goal := score.Normalisation{Method: score.Goalposts, Low: &lo, High: &hi}
		groups := []survey.Group{{Code: survey.GroupSuperior, Weight: 0.6}, {Code: survey.GroupPeer, Weight: 0.4}, {Code: survey.GroupSubordinate, Weight: 0.2}}
		pol := (&survey.Evaluation{Groups: groups, Rules: survey.Rules{MinGroupSize: 2}}).RatingPolicy()
		doc := &score.Scheme{Indicators: []score.Indicator{
			{Code: "PERF", Name: "工作实绩", Kind: score.KindQuantitative, Weight: 40, Normalise: goal},
			{Code: "VOTE", Name: "民主测评", Kind: score.KindQualitative, Weight: 60, Normalise: goal, Rating: score.RatingSpec{Source: score.FromVotes}},
		}, Rating: pol, Grading: score.Grading{Bands: []score.Band{{Grade: "优秀", Min: 70}, {Grade: "称职", Min: 60}, {Grade: "基本称职", Min: 40}, {Grade: "不称职", Min: -1e9}},
			// 优秀 for at most one of the two: the other is lowered and flagged quota.
			Quotas: []score.Quota{{Grade: "优秀", Share: 0.5}}}}
		sc, err := schemes.CreateScheme(ctx, sys, scheme.Scheme{Code: "jia-vote", Name: "甲县干部", Subject: scheme.SubjectPerson, OwnerUnitID: f.units["330100"].ID})
		if err != nil {
			t.Fatal(err)
		}
		ver, err := schemes.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初版"})
		if err != nil {
			t.Fatal(err)
		}

		surveys := survey.NewService(d, auth.Policy{})
		office := f.signIn(t, "office")
		rater := f.client(t)
		// evaluate runs an evaluation of the two cadres: one ballot per
		// entry of ballots, cast with a fresh code of its group on the
		// ballot page, then closes it as the office.
		evaluate := func(title string, ballots []struct {
			group       survey.GroupCode
			zhang, wang string
		}) *survey.Evaluation {
			t.Helper()
			e, err := surveys.Create(ctx, sys, survey.Evaluation{UnitID: county.ID, Kind: survey.KindEvaluation, Title: title, Period: "2025",
				Rules: survey.Rules{MinGroupSize: 2}, Groups: groups,
				Subjects: []survey.Subject{{Kind: survey.SubjectCadre, UnitID: county.ID, PersonID: zhang.ID},
					{Kind: survey.SubjectCadre, UnitID: county.ID, PersonID: wang.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			codes := map[survey.GroupCode][]survey.Code{}
			for _, b := range ballots {
				cs, err := surveys.IssueCodes(ctx, sys, e.ID, b.group, 1)
				if err != nil {
					t.Fatal(err)
				}
				codes[b.group] = append(codes[b.group], cs...)
			}
			if e, err = surveys.Open(ctx, sys, e.ID); err != nil {
				t.Fatal(err)
			}
			used := map[survey.GroupCode]int{}
			for _, b := range ballots {
				form := url.Values{}
				for _, s := range e.Subjects {
					for _, it := range s.Q().Items {
						g := "较好"
						if it.Overall {
							g = map[int64]string{zhang.ID: b.zhang, wang.ID: b.wang}[s.PersonID]
						}
						form.Set(fmt.Sprintf("a.%d.%s", s.ID, it.Code), g)
					}
				}
				code := codes[b.group][used[b.group]].Code
				used[b.group]++
				if res, body := postForm(t, f, rater, "/b/"+code, form); res.StatusCode != 200 || !strings.Contains(body, "提交成功") {
					t.Fatalf("cast: got %d\n%.600s", res.StatusCode, body)
				}
			}
			if res := f.post(t, office, fmt.Sprintf("/evaluations/%d/close", e.ID), nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("close: got %d", res.StatusCode)
			}
			return e
		}
		cycles := cycle.NewService(d, auth.Policy{}, sources.Cycle())
		// scoreWith makes, runs and publishes a cycle fed by evaluation e and
		// returns it with both cadres' profiles.
		scoreWith := func(code string, e *survey.Evaluation) (int64, map[string]*cycle.Profile) {
			t.Helper()
			c, err := cycles.Create(ctx, sys, cycle.Cycle{Code: code, Name: code + "年度考核", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
				OwnerUnitID: f.units["330100"].ID, SchemeVersionID: ver.ID, Period: "2025", EndsOn: "2025-12-31", EvaluationIDs: []int64{e.ID}},
				cycle.Selection{PersonIDs: []int64{zhang.ID, wang.ID}})
			if err != nil {
				t.Fatal(err)
			}
			scoreAndPublish(t, cycles, c.ID)
			out := map[string]*cycle.Profile{}
			for _, ent := range []string{me, him} {
				if out[ent], err = cycles.Profile(ctx, sys, c.ID, ent); err != nil {
					t.Fatal(err)
				}
			}
			return c.ID, out
		}
		vote := func(p *cycle.Profile) float64 {
			for _, it := range p.Explanation.Items {
				if it.Indicator == "VOTE" {
					return float64(it.Raw)
				}
			}
			return math.NaN()
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
		check := func(which string, ps map[string]*cycle.Profile, ent string, wantVote, wantTotal float64, wantRank int) {
			t.Helper()
			p := ps[ent]
			if got := vote(p); !near(got, wantVote) {
				t.Errorf("%s cycle, %s: VOTE got %v, want %v", which, p.Result.Entity.Name, got, wantVote)
			}
			if !near(p.Result.Total, wantTotal) || p.Result.Rank != wantRank {
				t.Errorf("%s cycle, %s: total got %v (rank %d), want %v (%d)", which, p.Result.Entity.Name, p.Result.Total, p.Result.Rank, wantTotal, wantRank)
			}
		}
		type ballot = struct {
			group       survey.GroupCode
			zhang, wang string
		}

		// First evaluation.
		//   上级 (3): 张三 优秀, 优秀, 称职      王五 称职, 基本称职, 称职
		//   同级 (2): 张三 称职, 不称职          王五 优秀, 称职
		//   下级 (1): 张三 不称职                王五 优秀   (below 2: left out)
		e1 := evaluate("2025年度民主测评", []ballot{
			{survey.GroupSuperior, "优秀", "称职"}, {survey.GroupSuperior, "优秀", "基本称职"}, {survey.GroupSuperior, "称职", "称职"},
			{survey.GroupPeer, "称职", "优秀"}, {survey.GroupPeer, "不称职", "称职"},
			{survey.GroupSubordinate, "不称职", "优秀"},
		})
		c1, p1 := scoreWith("jia-2025", e1)
		// VOTE, with the weights of 上级 and 同级 re-normalised over the two
		// (0.6 + 0.4 = 1):
		//   张三: 上级 (100+100+80)/3 = 93.33…, 同级 (80+0)/2 = 40;
		//         0.6·93.33… + 0.4·40 = 56 + 16 = 72.
		//   王五: 上级 (80+60+80)/3 = 73.33…, 同级 (100+80)/2 = 90;
		//         0.6·73.33… + 0.4·90 = 44 + 36 = 80.
		// Totals 0.4·PERF + 0.6·VOTE:
		//   张三 0.4·70 + 0.6·72 = 28 + 43.2 = 71.2; 王五 0.4·90 + 0.6·80 = 36 + 48 = 84.
		check("first", p1, me, 72, 71.2, 2)
		check("first", p1, him, 80, 84, 1)

		// Second evaluation: 张三 优秀 from all five, 王五 基本称职 from all.
		//   VOTE 张三 100, 王五 60.
		//   Totals 张三 0.4·70 + 0.6·100 = 88; 王五 0.4·90 + 0.6·60 = 72: the ranks swap.
		e2 := evaluate("2025年度民主测评（复评）", []ballot{
			{survey.GroupSuperior, "优秀", "基本称职"}, {survey.GroupSuperior, "优秀", "基本称职"}, {survey.GroupSuperior, "优秀", "基本称职"},
			{survey.GroupPeer, "优秀", "基本称职"}, {survey.GroupPeer, "优秀", "基本称职"},
		})
		_, p2 := scoreWith("jia-2025b", e2)
		check("second", p2, me, 100, 88, 1)
		check("second", p2, him, 60, 72, 2)

		// The profile shows the tallies of both closed evaluations, marking
		// the one that feeds the cycle. 张三 in the first: 上级 3 ballots,
		// 93.33, 优秀+称职 3/3 = 100.0 %, 不称职 0.0 %; 同级 2, 40.00, 50.0 %,
		// 50.0 %; combined 5 ballots, 72.00, 0.6·1 + 0.4·0.5 = 80.0 %,
		// 0.4·0.5 = 20.0 %. 下级 is named as left out, with no numbers.
		tally := regexp.MustCompile(`(?s)<table class="evaluation-tally" data-evaluation="` + strconv.FormatInt(e1.ID, 10) + `">.*?</table>`)
		cells := regexp.MustCompile(`<t[dh][^>]*>([^<]*)</t[dh]>`)
		rows := func(body string) string {
			tbl := tally.FindString(body)
			if tbl == "" {
				return "(no tally)"
			}
			var out []string
			for _, tr := range strings.Split(tbl, "<tr>")[2:] {
				var cs []string
				for _, m := range cells.FindAllStringSubmatch(tr, -1) {
					cs = append(cs, m[1])
				}
				out = append(out, strings.Join(cs, " "))
			}
			return strings.Join(out, " | ")
		}
		want := "上级 0.6 3 93.33 100.0% 0.0% | 同级 0.4 2 40.00 50.0% 50.0% | 综合  5 72.00 80.0% 20.0%"
		res, body := f.get(t, office, fmt.Sprintf("/cycles/%d/results/%s", c1, me))
		if res.StatusCode != 200 || !strings.Contains(body, "民主测评结果") || !strings.Contains(body, "2025年度民主测评（复评）") {
			t.Fatalf("profile: got %d\n%.800s", res.StatusCode, body)
		}
		if got := rows(body); got != want {
			t.Errorf("profile tally: got %q, want %q", got, want)
		}
		if strings.Count(body, "本周期定性指标采用") != 1 || strings.Contains(body, "<td>下级</td>") || !strings.Contains(body, "不单独显示也不计入综合的评议人类别：下级") {
			t.Errorf("profile: the feeding evaluation must be marked once and 下级 named only as left out")
		}
		// Flags show by their labels, with the code as a tooltip.
		for _, page := range []string{fmt.Sprintf("/cycles/%d/results/%s", c1, me), fmt.Sprintf("/cycles/%d/ranking", c1)} {
			_, body := f.get(t, office, page)
			for _, fl := range p1[me].Result.Flags {
				if !strings.Contains(body, `title="`+fl+`">`) || strings.Contains(body, `>`+fl+`</span>`) {
					t.Errorf("%s: flag %s is not shown by its label", page, fl)
				}
			}
		}
		// 张三's 71.2 reaches 优秀 but the quota gives it to 王五 (84).
		if fl := p1[me].Result.Flags; len(fl) != 1 || fl[0] != score.FlagQuota || p1[me].Result.Grade != "称职" || p1[him].Result.Grade != "优秀" {
			t.Errorf("first cycle: 张三 got %s %v, 王五 %s, want 称职 [quota] and 优秀", p1[me].Result.Grade, fl, p1[him].Result.Grade)
		}
		if !strings.Contains(body, "受名额限制") {
			t.Errorf("profile: the quota flag is not shown by its label")
		}

		// The cadre page shows the same tallies; the cadre 张三 sees its own
		// there and on its profile, not 王五's page.
		cadre := f.signIn(t, "cadre")
		for _, c := range []*http.Client{office, cadre} {
			for _, page := range []string{fmt.Sprintf("/people/%d", zhang.ID), fmt.Sprintf("/cycles/%d/results/%s", c1, me)} {
				res, body := f.get(t, c, page)
				if res.StatusCode != 200 || rows(body) != want {
					t.Errorf("%s: got %d, tally %q, want %q", page, res.StatusCode, rows(body), want)
				}
			}
		}
		if res, _ := f.get(t, cadre, fmt.Sprintf("/people/%d", wang.ID)); res.StatusCode == 200 {
			t.Errorf("cadre on a colleague's page: got 200")
		}
		// Open evaluations show nothing, and nor do evaluations a reader
		// outside their jurisdiction asks about (the provider of 甲县 reads
		// no results at all).
		open, err := surveys.Create(ctx, sys, survey.Evaluation{UnitID: county.ID, Kind: survey.KindEvaluation, Title: "进行中的测评", Period: "2026",
			Groups: groups, Subjects: []survey.Subject{{Kind: survey.SubjectCadre, UnitID: county.ID, PersonID: zhang.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := surveys.Open(ctx, sys, open.ID); err != nil {
			t.Fatal(err)
		}
		if _, body := f.get(t, office, fmt.Sprintf("/people/%d", zhang.ID)); strings.Contains(body, "进行中的测评") {
			t.Errorf("cadre page shows an open evaluation")
		}
	})
}

// scoreAndPublish takes a new cycle through collection and evaluation,
// scores it, approves the snapshot and publishes it, as the system.
func scoreAndPublish(t testing.TB, svc *cycle.Service, id int64) {
	t.Helper()
	ctx, sys := context.Background(), auth.SystemActor("test")
	for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
		if _, err := svc.Move(ctx, sys, id, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := svc.Run(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = svc.Move(ctx, sys, id, cycle.Review, ""); err != nil {
		t.Fatal(err)
	}
	if _, err = svc.Approve(ctx, sys, id, sn.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err = svc.Move(ctx, sys, id, cycle.Published, ""); err != nil {
		t.Fatal(err)
	}
}
