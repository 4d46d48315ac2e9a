package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// TestSchemeRulesPages shows a version's finding rules in words beside
// the caps, edits a draft's rules through the form (a bad row refused in
// Chinese, nothing written; a viewer refused), compares the versions'
// rules on the diff page, and refuses a JSON import with an unknown
// category.
func TestSchemeRulesPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sys := auth.SystemActor("test")
		s := scheme.NewService(f.db, auth.Policy{})
		for _, ind := range []scheme.Indicator{
			{Code: "SAT", Name: "群众满意度", Kind: score.KindQualitative},
			{Code: "DED_CLEAN", Name: "党风廉政问题扣分", Kind: score.KindDeduction},
			{Code: "DED_WORK", Name: "作风建设问题扣分", Kind: score.KindDeduction},
			{Code: "VETO_SAFETY", Name: "重特大安全生产事故", Kind: score.KindVeto},
		} {
			if _, err := s.SaveIndicator(ctx, sys, ind); err != nil {
				t.Fatal(err)
			}
		}
		doc := &score.Scheme{
			Indicators: []score.Indicator{
				{Code: "D1", Name: "综合评价", Weight: 100}, {Code: "SAT", Parent: "D1", Weight: 100},
				{Code: "DED", Name: "发现问题扣分", Kind: score.KindDeduction, Cap: 8},
				{Code: "DED_CLEAN", Parent: "DED", Cap: 5}, {Code: "DED_WORK", Parent: "DED"},
				{Code: "VETO_SAFETY"},
			},
			DeductionCap: 10,
			FindingRules: []score.FindingRule{
				{Category: "integrity", Severity: "severe", Indicator: "DED_CLEAN", Points: 3},
				{Category: "safety", Severity: "severe", Indicator: "VETO_SAFETY"},
			},
		}
		sc, err := s.CreateScheme(ctx, sys, scheme.Scheme{Code: "jia-rules", Name: "甲市县区考核", Subject: scheme.SubjectUnit,
			OwnerUnitID: f.units["330100"].ID})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 2; k++ {
			if _, err := s.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc, Reason: "初始版本"}); err != nil {
				t.Fatal(err)
			}
		}
		base := "/schemes/" + itoa(sc.ID)
		office := f.signIn(t, "office")
		res, body := f.get(t, office, base+"/versions/1")
		for _, want := range []string{`id="rules-table"`, "<td>党风廉政</td><td>严重</td><td>党风廉政问题扣分</td>", ">3 分</td>",
			"<td>安全生产</td><td>严重</td><td>重特大安全生产事故</td>", `<span class="tag warn">一票否决</span>`,
			`id="caps-table"`, "<td>发现问题扣分</td><td>扣分</td><td>维度上限（含下级各项合计）</td><td class=\"num\">8</td>",
			"<td>党风廉政问题扣分</td><td>扣分</td><td>单项上限</td><td class=\"num\">5</td>",
			"<td>作风建设问题扣分</td><td>扣分</td><td>单项上限</td><td class=\"num\">不封顶</td>",
			"<td>扣分总上限</td><td class=\"num\">10</td>", `id="rules-form"`} {
			if res.StatusCode != 200 || !strings.Contains(body, want) {
				t.Fatalf("version page: %d, want %q in\n%.6000s", res.StatusCode, want, body[strings.Index(body, "<main"):])
			}
		}

		// A bad row is refused by its category and severity; nothing is written.
		form := url.Values{
			"rule_category":  {"integrity", "integrity", "work_style", ""},
			"rule_severity":  {"severe", "minor", "major", ""},
			"rule_indicator": {"DED_CLEAN", "DED_CLEAN", "DED_WORK", ""},
			"rule_points":    {"3", "-1", "2", ""},
		}
		res, body = f.postForm(t, office, base+"/versions/2/rules", form)
		if res.StatusCode != 422 || !strings.Contains(body, "扣分规则 党风廉政·一般：分值“-1”须为非负数。") || !strings.Contains(body, `value="-1"`) {
			t.Fatalf("bad rules: %d\n%.6000s", res.StatusCode, body)
		}
		if v, _ := s.VersionByNumber(ctx, sys, sc.ID, 2); len(v.Doc.FindingRules) != 2 {
			t.Fatalf("a refused form wrote rules: %+v", v.Doc.FindingRules)
		}
		form["rule_points"][1] = "1"
		if res := f.post(t, office, base+"/versions/2/rules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good rules: %d", res.StatusCode)
		}
		v2, err := s.VersionByNumber(ctx, sys, sc.ID, 2)
		if err != nil || len(v2.Doc.FindingRules) != 3 {
			t.Fatalf("rules after the form: %+v %v", v2.Doc.FindingRules, err)
		}
		if res := f.post(t, f.signIn(t, "viewer"), base+"/versions/2/rules", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer: got %d, want 403", res.StatusCode)
		}

		// The diff says what changed, in words.
		res, body = f.get(t, office, base+"/diff?from=1&to=2")
		for _, want := range []string{"扣分规则变化", "<td>新增规则</td><td>党风廉政·一般</td><td>（无规则，不计分）</td><td>党风廉政问题扣分 · 1 分</td>",
			"<td>新增规则</td><td>作风建设·较重</td>", "<td>删除规则</td><td>安全生产·严重</td><td>重特大安全生产事故 · 一票否决</td>"} {
			if res.StatusCode != 200 || !strings.Contains(body, want) {
				t.Fatalf("diff page: %d, want %q in\n%.6000s", res.StatusCode, want, body)
			}
		}

		// A JSON file with a category the platform does not know.
		bad := `{"indicators":[{"code":"D1","weight":100},{"code":"SAT","parent":"D1","weight":100},{"code":"DED_CLEAN"}],
			"finding_rules":[{"category":"corruption","severity":"severe","indicator":"DED_CLEAN","points":3}]}`
		var mb bytes.Buffer
		mw := multipart.NewWriter(&mb)
		mw.WriteField("reason", "导入")
		fw, _ := mw.CreateFormFile("file", "scheme.json")
		fw.Write([]byte(bad))
		mw.Close()
		res, body = f.send(t, office, base+"/versions", mw.FormDataContentType(), mb.Bytes())
		if res.StatusCode != 422 || !strings.Contains(body, "问题类别“corruption”不是有效类别（党风廉政、作风建设") {
			t.Fatalf("bad JSON rules: %d\n%.3000s", res.StatusCode, body)
		}

		// The API sets the rules of a draft and answers 422 on the field
		// at fault; the diff lists the rules.
		api := base + "/versions/2/rules"
		api = "/api/v1" + api
		origin := []string{"Origin", f.ts.URL}
		code, ans := f.postJSON(t, office, api, `{"finding_rules":[{"category":"tasks","severity":"major","indicator":"DED_WORK","points":1.5},
			{"category":"safety","severity":"severe","indicator":"VETO_SAFETY","points":4}]}`, origin...)
		if code != 200 || !strings.Contains(string(ans.Document), `"finding_rules":[{"category":"safety","severity":"severe","indicator":"VETO_SAFETY"},{"category":"tasks","severity":"major","indicator":"DED_WORK","points":1.5}]`) {
			t.Fatalf("API rules: %d %s", code, ans.Document)
		}
		code, ans = f.postJSON(t, office, api, `{"finding_rules":[{"category":"tasks","severity":"major","indicator":"SAT","points":1}]}`, origin...)
		if code != 422 || ans.Error.Field != "finding_rules[0].indicator" {
			t.Fatalf("API bad rule: %d %+v", code, ans.Error)
		}
		res, body = f.get(t, office, "/api/v1"+base+"/diff?from=1&to=2")
		if res.StatusCode != 200 || !strings.Contains(body, `{"category":"integrity","severity":"severe","old":{"indicator":"DED_CLEAN","points":3,"veto":false},"new":null}`) {
			t.Fatalf("API diff: %d %s", res.StatusCode, body)
		}
	})
}
