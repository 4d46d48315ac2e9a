package server

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/sources"
)

// TestFieldWork is the assessment team's working day on the pages: its
// home lists its tasks, it records a verification that corrects a value
// (with a PDF), an interview and its judgements — each form first refused
// with localized errors that write nothing — and the cycle then scores
// 甲县 from them. By hand, weights 30 (工作实绩), 50 (党建工作), 20 (班子建设),
// every value on goalposts 0–100:
//
//	0.3 × 65 (the corrected value) + 0.5 × 85 + 0.2 × 80 (较好) = 19.5 + 42.5 + 16 = 78
//
// The interview stays with the team and the office; leaders see the
// verifications; the others see nothing.
func TestFieldWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sys := auth.SystemActor("test")
		f := newFixture(t, d)
		county := f.units["330102"]
		cycles, c := fieldCycle(t, f)
		base := fmt.Sprintf("/cycles/%d/field", c.ID)
		page := base + "/" + db.FormatID(county.ID)
		team := f.signIn(t, "team")
		expect := func(c *http.Client, path string, status int, want ...string) string {
			t.Helper()
			res, body := f.get(t, c, path)
			if res.StatusCode != status {
				t.Fatalf("GET %s: got %d, want %d\n%.800s", path, res.StatusCode, status, body)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: no %q in the page", path, w)
				}
			}
			return body
		}
		rows := func() int {
			var n int
			if err := d.SQL.QueryRow(`SELECT (SELECT count(*) FROM verifications) + (SELECT count(*) FROM interviews) +
				(SELECT count(*) FROM judgements) + (SELECT count(*) FROM data_values)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// The home lists the tasks, each count linked to its list.
		expect(team, "/", 200, "实地考核任务", `href="`+base+`?show=todo"`, "未开始")
		expect(team, "/field", 200, c.Name, `href="`+base+`?show=verified"`)
		expect(team, base, 200, "甲县", "未开始", `href="`+page+`"`)
		expect(team, page, 200, `id="verification-form"`, `<option value="PERF">工作实绩</option>`, `id="interview-form"`, "张三", `id="judgement-form"`, "较好（80）")

		// A verification: refused whole, then recorded with a correction
		// and its evidence.
		verify := func(fields map[string]string, file []byte) (*http.Response, string) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for k, v := range fields {
				mw.WriteField(k, v)
			}
			if file != nil {
				fw, _ := mw.CreateFormFile("files", "党建台账.pdf")
				fw.Write(file)
			}
			mw.Close()
			return f.send(t, team, page+"/verifications", mw.FormDataContentType(), body.Bytes())
		}
		before := rows()
		res, body := verify(map[string]string{"checked_on": "2026-01-10", "item": "PERF", "value": "六十五"}, []byte("not a pdf"))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad verification: got %d\n%.800s", res.StatusCode, body)
		}
		for _, w := range []string{"未保存，请修改以下问题", "核查内容：请填写核查内容。", "核查发现：请填写核查发现。", "更正原因：核实数据时须填写核实说明。",
			"佐证材料：文件“党建台账.pdf”不是 PDF"} {
			if !strings.Contains(body, w) {
				t.Errorf("bad verification: no %q in the page", w)
			}
		}
		if n := rows(); n != before {
			t.Fatalf("a refused verification wrote %d rows", n-before)
		}
		res, _ = verify(map[string]string{"checked_on": "2026-01-10", "checked": "工作实绩统计台账", "finding": "重复计入一项已验收工程",
			"item": "PERF", "value": "65", "reason": "扣除重复计入的工程"}, []byte("%PDF-1.4\n%%EOF\n"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("verification: got %d", res.StatusCode)
		}
		body = expect(team, page, 200, "工作实绩统计台账", "工作实绩：70 → 65", "已更正，待考核办审核", "党建台账.pdf")
		link := regexp.MustCompile(`href="(/field/evidence/\d+)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatal("no evidence link")
		}
		if res, data := f.get(t, team, link[1]); res.StatusCode != 200 || data != "%PDF-1.4\n%%EOF\n" {
			t.Fatalf("evidence: got %d %q", res.StatusCode, data)
		}
		expect(f.signIn(t, "office"), "/collect/history?entity="+db.FormatID(county.ID)+"&item=PERF", 200, "实地核查", "扣除重复计入的工程")

		// An interview.
		res, body = postForm(t, f, team, page+"/interviews", url.Values{"held_on": {"2026-01-11"}, "interviewer": {"考核组 王五"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "谈话对象：请选择谈话对象。") || !strings.Contains(body, "谈话内容：请填写谈话内容。") {
			t.Fatalf("bad interview: got %d\n%.800s", res.StatusCode, body)
		}
		res, _ = postForm(t, f, team, page+"/interviews", url.Values{"person": {db.FormatID(f.inPerson.ID)}, "held_on": {"2026-01-11"},
			"interviewer": {"考核组 王五"}, "notes": {"认为县委班子团结，重大事项集体决策。"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("interview: got %d", res.StatusCode)
		}

		// The judgements: a bad row names its row and field.
		judge := url.Values{"j.1.indicator": {"PARTY"}, "j.1.score": {"185"}, "j.1.basis": {"责任清单落实到位"},
			"j.2.indicator": {"TEAM"}, "j.2.grade": {"较好"}, "j.2.basis": {"班子团结"}}
		res, body = postForm(t, f, team, page+"/judgements", judge)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "第 1 行：评分：“党建工作”的评分须在 0 至 100 之间。") ||
			!strings.Contains(body, `value="185"`) {
			t.Fatalf("bad judgement: got %d\n%.800s", res.StatusCode, body)
		}
		judge.Set("j.1.score", "85")
		if res, _ = postForm(t, f, team, page+"/judgements", judge); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("judgements: got %d", res.StatusCode)
		}
		expect(team, base+"?show=interviewed", 200, "甲县", "已核查", "已谈话")
		if body := expect(team, base+"?show=todo", 200); strings.Contains(body, `href="`+page+`"`) {
			t.Error("甲县 is still listed as not started")
		}

		// Who reads what.
		expect(f.signIn(t, "office"), page, 200, "认为县委班子团结")
		viewer := expect(f.signIn(t, "viewer"), page, 200, "工作实绩统计台账", "谈话记录保密")
		if strings.Contains(viewer, "认为县委班子团结") || strings.Contains(viewer, `id="verification-form"`) {
			t.Error("the viewer sees the interview or the forms")
		}
		expect(f.signIn(t, "provider"), page, 404)
		expect(f.signIn(t, "supervisor"), base, 404)
		expect(f.signIn(t, "cadre"), base, 404)
		expect(f.signIn(t, "cadre"), page, 404)

		// The audit log names what the team recorded and links the county's
		// field work.
		expect(f.signIn(t, "office"), "/audit", 200, "记录实地核查", "记录个别谈话", "记录定性评价", c.Name+" · 甲县", `href="`+page+`"`)

		// The cycle scores 甲县 from the field work.
		scoreAndPublish(t, cycles, c.ID)
		p, err := cycles.Profile(ctx, sys, c.ID, db.FormatID(county.ID))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.Result.Total-78) > 1e-9 {
			t.Errorf("total: got %v, want 78", p.Result.Total)
		}
		expect(f.signIn(t, "office"), fmt.Sprintf("/cycles/%d/results/%d", c.ID, county.ID), 200, "考核组定性评价", "较好（80）", "责任清单落实到位")
		if body := expect(f.signIn(t, "cadre"), fmt.Sprintf("/cycles/%d/results/%d", c.ID, county.ID), 200); strings.Contains(body, "考核组定性评价") {
			t.Error("the cadre reads the team's judgements")
		}
		// Published: the forms are gone and a post is refused.
		if body := expect(team, page, 200, "结果已公布"); strings.Contains(body, `id="judgement-form"`) {
			t.Error("a published cycle still offers the judgement form")
		}
		if res, _ = postForm(t, f, team, page+"/judgements", judge); res.StatusCode != http.StatusConflict {
			t.Errorf("judging a published cycle: got %d, want 409", res.StatusCode)
		}
	})
}

// fieldCycle makes the cycle of TestFieldWork: 甲市's county teams (甲县)
// on a scheme of 工作实绩 (data item PERF, 甲县 reported 70) weighing 30,
// 党建工作 judged by a score weighing 50 and 班子建设 judged by the grades
// 好/较好/一般/较差 weighing 20, all on goalposts 0–100.
func fieldCycle(t *testing.T, f *fixture) (*cycle.Service, *cycle.Cycle) {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	d := f.db
	city, county := f.units["330100"], f.units["330102"]
	values := collect.NewService(d, auth.Policy{})
	if _, err := values.CreateItem(ctx, sys, collect.Item{Code: "PERF", Name: "工作实绩", Measure: "分", OwnerID: f.units["330100-TJJ"].ID,
		Frequency: collect.Annual, Type: collect.TypeNumber, EntityKind: collect.EntityUnit}); err != nil {
		t.Fatal(err)
	}
	if _, err := values.Submit(ctx, sys, collect.Batch{Source: collect.SourceAPI,
		Rows: []collect.Row{{Line: 1, Entity: "330102", Item: "PERF", Period: "2025", Value: "70"}}}); err != nil {
		t.Fatal(err)
	}
	schemes := scheme.NewService(d, auth.Policy{})
	for _, ind := range []scheme.Indicator{
		{Code: "PERF", Name: "工作实绩", Kind: score.KindQuantitative, DataItem: "PERF"},
		{Code: "PARTY", Name: "党建工作", Kind: score.KindQualitative},
		{Code: "TEAM", Name: "班子建设", Kind: score.KindQualitative, DataItem: "team.overall"},
	} {
		if _, err := schemes.SaveIndicator(ctx, sys, ind); err != nil {
			t.Fatal(err)
		}
	}
	lo, hi := 0.0, 100.0
	goal := score.Normalisation{Method: score.Goalposts, Low: &lo, High: &hi}
	doc := &score.Scheme{Indicators: []score.Indicator{
		{Code: "PERF", Weight: 30, Normalise: goal}, {Code: "PARTY", Weight: 50, Normalise: goal},
		{Code: "TEAM", Weight: 20, Normalise: goal, Rating: score.RatingSpec{Source: score.FromVotes}},
	}, Rating: score.RatingPolicy{Grades: []score.GradePoint{{Grade: "好", Points: 100}, {Grade: "较好", Points: 80}, {Grade: "一般", Points: 60}, {Grade: "较差", Points: 0}}},
		Grading: score.Grading{Bands: []score.Band{{Grade: "好", Min: 85}, {Grade: "较好", Min: 70}, {Grade: "一般", Min: 0}}}}
	sc, err := schemes.CreateScheme(ctx, sys, scheme.Scheme{Code: "jia-team", Name: "甲市县级领导班子考核", Subject: scheme.SubjectUnit, OwnerUnitID: city.ID})
	if err != nil {
		t.Fatal(err)
	}
	ver, err := schemes.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初版"})
	if err != nil {
		t.Fatal(err)
	}
	cycles := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	c, err := cycles.Create(ctx, sys, cycle.Cycle{Code: "jia-2025", Name: "2025年度甲市县级领导班子考核", Kind: cycle.Annual, Subject: cycle.SubjectUnit,
		OwnerUnitID: city.ID, SchemeVersionID: ver.ID, Period: "2025", EndsOn: "2025-12-31", Draws: -1}, cycle.Selection{UnitIDs: []int64{county.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return cycles, c
}
